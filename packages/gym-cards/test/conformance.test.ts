import { EnvRegistry } from '@rl4vlm/env';
import { describeEnvConformance } from '@rl4vlm/env/conformance';
import { expect } from 'vitest';
import { GYM_CARDS_IDS, registerGymCards } from '../src/index.js';

// The suite compares traces with toEqual, which walks a 270 KB frame element by element
// (minutes per env). Compare byte arrays natively instead: still an exact, byte-for-byte check.
expect.addEqualityTesters([
  function byteArraysEqual(a: unknown, b: unknown) {
    if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array)) return undefined;
    return Buffer.compare(a, b) === 0;
  },
]);

const registry = new EnvRegistry();
registerGymCards({ registry });

for (const id of Object.values(GYM_CARDS_IDS)) {
  describeEnvConformance(id, () => registry.make(id), { seeds: [0, 1, 2, 3] });
}
