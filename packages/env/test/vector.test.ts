import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AsyncVectorEnv, SyncVectorEnv, TimeLimit } from '../src/index.js';
import { WalkEnv } from './fixtures/walk-env.js';

const pluginPath = fileURLToPath(new URL('./fixtures/walk-plugin.mjs', import.meta.url));

describe('SyncVectorEnv', () => {
  it('seeds env i with seed + i, like a single env seeded seed + i', async () => {
    const vec = new SyncVectorEnv(Array.from({ length: 3 }, () => () => new WalkEnv({ size: 30 })));
    const { infos } = await vec.reset({ seed: 100 });
    for (let i = 0; i < 3; i++) {
      const single = new WalkEnv({ size: 30 });
      expect(single.reset({ seed: 100 + i }).info).toEqual(infos[i]);
    }
  });

  it('autoresets on the step after an episode ends (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1e6 }),
        fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 1, maxLength: 40 }),
        async (seed, acts) => {
          const n = 2;
          const vec = new SyncVectorEnv(
            Array.from({ length: n }, () => () => new TimeLimit(new WalkEnv({ size: 4 }), 5)),
          );
          await vec.reset({ seed });
          let prevDone = [false, false];
          for (const a of acts) {
            const r = await vec.step([a, 1 - a]);
            for (let i = 0; i < n; i++) {
              if (prevDone[i]) {
                // the step after an end is a reset: no reward, not done, marked
                expect(r.rewards[i]).toBe(0);
                expect(r.terminations[i] || r.truncations[i]).toBe(false);
                expect(r.infos[i]!.autoreset).toBe(true);
              } else {
                expect(r.infos[i]!.autoreset).toBeUndefined();
              }
            }
            prevDone = r.terminations.map((t, i) => t || r.truncations[i]!);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('checks the number of actions', async () => {
    const vec = new SyncVectorEnv([() => new WalkEnv()]);
    await expect(vec.step([0])).rejects.toThrow(/reset/);
    await vec.reset({ seed: 0 });
    await expect(vec.step([0, 1])).rejects.toThrow(/2 actions for 1 envs/);
  });
});

describe('AsyncVectorEnv', () => {
  it('runs envs in worker threads with the same results as the sync vector env', async () => {
    const { createWalk, default: manifest } = await import('./fixtures/walk-plugin.mjs');
    const asyncVec = new AsyncVectorEnv(
      Array.from({ length: 3 }, () => ({ module: pluginPath, id: 'test/Walk-v0' })),
    );
    const syncVec = new SyncVectorEnv(
      Array.from(
        { length: 3 },
        () => () => new TimeLimit(createWalk({ size: 5 }), manifest.envs[0]!.maxEpisodeSteps!),
      ),
    );
    const a0 = await asyncVec.reset({ seed: 5 });
    const s0 = await syncVec.reset({ seed: 5 });
    expect(a0.observations).toEqual(s0.observations);
    const threads = new Set(a0.infos.map((i) => i.threadId));
    expect(threads.size).toBe(3);
    expect(threads.has(0)).toBe(false); // not the main thread
    for (let t = 0; t < 15; t++) {
      const actions = [t % 2, 1, (t + 1) % 2];
      const a = await asyncVec.step(actions);
      const s = await syncVec.step(actions);
      expect(a.observations).toEqual(s.observations);
      expect(a.rewards).toEqual(s.rewards);
      expect(a.terminations).toEqual(s.terminations);
      expect(a.truncations).toEqual(s.truncations);
    }
    const frames = await asyncVec.render();
    expect(frames[0]!.data).toBeInstanceOf(Uint8Array);
    await asyncVec.close();
    await asyncVec.close();
  });

  it('reports an env error with the env index, and an unknown id with what the manifest lists', async () => {
    const vec = new AsyncVectorEnv([{ module: pluginPath, id: 'test/Walk-v0' }]);
    await vec.reset({ seed: 0 });
    await expect(vec.step([7])).rejects.toThrow(/env 0 .*Invalid action 7/);
    await vec.close();
    const bad = new AsyncVectorEnv([{ module: pluginPath, id: 'test/Nope-v0' }]);
    await expect(bad.reset()).rejects.toThrow(/not in the manifest .* it lists: test\/Walk-v0/);
    await bad.close();
    const viaFactory = new AsyncVectorEnv([
      { module: pluginPath, exportName: 'createWalk', kwargs: { size: 3 } },
    ]);
    const r = await viaFactory.reset({ seed: 1 });
    expect(r.observations[0]).toBeLessThan(2);
    await viaFactory.close();
  });
});
