import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Env, StepResult } from './env.js';
import { isImage } from './image.js';
import { Rng } from './rng.js';

/** Options for {@link describeEnvConformance}. */
export interface ConformanceOptions {
  /** Seeds to replay (default `[0, 1, 2]`). */
  seeds?: number[];
  /** An episode must end within this many steps (default 1000). */
  maxSteps?: number;
  /** Actions the env must reject; by default a few values outside any discrete space. */
  invalidActions?: unknown[];
}

interface Trace {
  observations: unknown[];
  rewards: number[];
  ends: [boolean, boolean][];
  infos: unknown[];
}

/**
 * Byte arrays (image pixels) replaced by their SHA-1, so traces compare fast: element-wise
 * `toEqual` on 300×300 frames costs seconds per episode.
 */
function fingerprint(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return `${value.constructor.name}(${bytes.length}) sha1:${createHash('sha1').update(bytes).digest('hex')}`;
  }
  if (Array.isArray(value)) return value.map(fingerprint);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fingerprint(v)]));
  }
  return value;
}

async function playSeeded(env: Env, seed: number, maxSteps: number): Promise<Trace> {
  const rng = new Rng(seed);
  const { observation } = await env.reset({ seed });
  const trace: Trace = { observations: [observation], rewards: [], ends: [], infos: [] };
  for (let t = 0; t < maxSteps; t++) {
    const step: StepResult<unknown> = await env.step(env.actionSpace.sample(rng));
    trace.observations.push(step.observation);
    trace.rewards.push(step.reward);
    trace.ends.push([step.terminated, step.truncated]);
    if (step.terminated || step.truncated) break;
  }
  return trace;
}

/**
 * Registers a vitest suite that checks an env against the `@rl4vlm/env` contract:
 * determinism under a seed, spaces that contain what the env returns, episodes that end,
 * a valid `render()`, an idempotent `close()` and clear errors for bad actions.
 *
 * @example
 * import { describeEnvConformance } from '@rl4vlm/env/conformance';
 * describeEnvConformance('my/Maze-v0', () => make('my/Maze-v0'));
 */
export function describeEnvConformance(
  name: string,
  makeEnv: () => Env | Promise<Env>,
  {
    seeds = [0, 1, 2],
    maxSteps = 1000,
    invalidActions = [-1, 1.5, 'not-an-action', null, 1e9],
  }: ConformanceOptions = {},
): void {
  describe(`env conformance: ${name}`, () => {
    it('replays an episode exactly for the same seed', async () => {
      const a = await makeEnv();
      const b = await makeEnv();
      for (const seed of seeds) {
        const first = await playSeeded(a, seed, maxSteps);
        const second = await playSeeded(b, seed, maxSteps);
        const again = await playSeeded(a, seed, maxSteps);
        expect(fingerprint(second)).toEqual(fingerprint(first));
        expect(fingerprint(again)).toEqual(fingerprint(first));
      }
      await a.close();
      await b.close();
    });

    it('returns observations inside the observation space and finite rewards', async () => {
      const env = await makeEnv();
      expect(() => JSON.stringify(env.observationSpace.toJSON())).not.toThrow();
      expect(() => JSON.stringify(env.actionSpace.toJSON())).not.toThrow();
      for (const seed of seeds) {
        const trace = await playSeeded(env, seed, maxSteps);
        for (const obs of trace.observations) expect(env.observationSpace.contains(obs)).toBe(true);
        for (const r of trace.rewards) expect(Number.isFinite(r)).toBe(true);
      }
      await env.close();
    });

    it('samples actions inside the action space', async () => {
      const env = await makeEnv();
      const rng = new Rng(7);
      for (let i = 0; i < 50; i++) expect(env.actionSpace.contains(env.actionSpace.sample(rng))).toBe(true);
      await env.close();
    });

    it(`ends every episode (terminated or truncated) within ${maxSteps} steps, with boolean flags`, async () => {
      const env = await makeEnv();
      for (const seed of seeds) {
        const trace = await playSeeded(env, seed, maxSteps);
        for (const [term, trunc] of trace.ends) {
          expect(typeof term).toBe('boolean');
          expect(typeof trunc).toBe('boolean');
        }
        const last = trace.ends.at(-1);
        expect(last && (last[0] || last[1])).toBe(true);
        // Only the last step may end the episode.
        for (const [term, trunc] of trace.ends.slice(0, -1)) expect(term || trunc).toBe(false);
      }
      await env.close();
    });

    it('render() returns a valid RGB image', async () => {
      const env = await makeEnv();
      await env.reset({ seed: seeds[0] });
      const frame = await env.render();
      expect(isImage(frame)).toBe(true);
      await env.step(env.actionSpace.sample(new Rng(1)));
      expect(isImage(await env.render())).toBe(true);
      await env.close();
    });

    it('close() can be called twice', async () => {
      const env = await makeEnv();
      await env.reset({ seed: seeds[0] });
      await env.close();
      await expect(Promise.resolve().then(() => env.close())).resolves.not.toThrow();
    });

    it('rejects actions outside the action space with a clear error', async () => {
      const env = await makeEnv();
      const bad = invalidActions.filter((a) => !env.actionSpace.contains(a));
      expect(bad.length).toBeGreaterThan(0);
      for (const action of bad) {
        await env.reset({ seed: seeds[0] });
        let error: unknown;
        try {
          await env.step(action);
        } catch (e) {
          error = e;
        }
        expect(error, `step(${JSON.stringify(action)}) should throw`).toBeInstanceOf(Error);
        expect((error as Error).message.toLowerCase()).toMatch(/action/);
      }
      await env.close();
    });
  });
}
