import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type BackendCandidate, defaultBackendCandidates, selectBackend } from '../src/index.js';

describe('backend selection', () => {
  it('falls back past the native bindings, which are not installed here, to wasm', async () => {
    const logs: string[] = [];
    const name = await selectBackend({ force: '', log: (m) => logs.push(m) });
    expect(name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(logs).toEqual([
      '[rl4vlm/policy-tfjs] tensor backend: wasm (not available: tensorflow-gpu, tensorflow)',
    ]);
  });

  it('falls back to cpu when wasm fails too, and honours a forced backend', async () => {
    const real = defaultBackendCandidates();
    const broken: BackendCandidate[] = real.map((c) =>
      c.name === 'wasm'
        ? {
            name: 'wasm',
            load: async () => {
              throw new Error('no wasm');
            },
          }
        : c,
    );
    expect(await selectBackend({ force: '', log: () => {}, candidates: broken })).toBe('cpu');
    expect(await selectBackend({ force: 'wasm', log: () => {} })).toBe('wasm');
    await expect(selectBackend({ force: 'tensorflow', log: () => {} })).rejects.toThrow(
      /not available on this machine/,
    );
    await expect(selectBackend({ force: 'gpu', log: () => {} })).rejects.toThrow(
      /use one of: tensorflow-gpu, tensorflow, wasm, cpu/,
    );
  });
});
