import { describeEnvConformance } from '../src/conformance.js';
import { TimeLimit } from '../src/index.js';
import { WalkEnv } from './fixtures/walk-env.js';

describeEnvConformance('test/Walk-v0', () => new TimeLimit(new WalkEnv({ size: 6 }), 20), {
  seeds: [0, 1, 2, 3],
});
