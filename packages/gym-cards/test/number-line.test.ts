import { describe, expect, it } from 'vitest';
import { NumberLineEnv, type NumberLineState } from '../src/index.js';

const state = (info: Record<string, unknown>) => info.state as NumberLineState;

/** Finds a seed whose episode starts with `want(state)`. */
function seedWhere(env: NumberLineEnv, want: (s: NumberLineState) => boolean): number {
  for (let seed = 0; seed < 10_000; seed++) {
    if (want(state(env.reset({ seed }).info))) return seed;
  }
  throw new Error('no such seed');
}

describe('NumberLine-v0 rules', () => {
  it('starts with distinct start and goal in [0, maxPosition], with the original distance distribution', () => {
    const env = new NumberLineEnv();
    const counts = [0, 0, 0, 0, 0, 0];
    const n = 36_000;
    for (let seed = 0; seed < n; seed++) {
      const s = state(env.reset({ seed }).info);
      expect(s.position).not.toBe(s.target);
      expect(s.position).toBeGreaterThanOrEqual(0);
      expect(s.target).toBeLessThanOrEqual(5);
      counts[Math.abs(s.position - s.target)]!++;
    }
    // Spec §1.1: 7/18, 2/9, 1/6, 1/6, 1/18 for distances 1..5 (4 standard errors of slack).
    const expected = [0, 7 / 18, 2 / 9, 1 / 6, 1 / 6, 1 / 18];
    for (let d = 1; d <= 5; d++) {
      const p = expected[d]!;
      expect(Math.abs(counts[d]! / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    }
  });

  it('gives 0 for a step closer, +1 and terminates at the target', () => {
    const env = new NumberLineEnv();
    env.reset({ seed: seedWhere(env, (s) => s.target - s.position === 2) });
    const first = env.step(1);
    expect([first.reward, first.terminated, first.truncated]).toEqual([0, false, false]);
    const second = env.step(1);
    expect([second.reward, second.terminated, second.truncated]).toEqual([1, true, false]);
    expect(second.info).toMatchObject({
      Target: state(second.info).target,
      Current: state(second.info).target,
    });
  });

  it('gives -1 for a step away and for a move blocked at an edge', () => {
    const env = new NumberLineEnv();
    env.reset({ seed: seedWhere(env, (s) => s.position === 0 && s.target === 3) });
    const blocked = env.step(0);
    expect(blocked.reward).toBe(-1);
    expect(state(blocked.info).position).toBe(0);
    const closer = env.step(1);
    expect(closer.reward).toBe(0);
    const away = env.step(0);
    expect(away.reward).toBe(-1);
    env.reset({ seed: seedWhere(env, (s) => s.position === 5) });
    expect(env.step(1).reward).toBe(-1);
  });

  it('truncates after 2 × maxPosition steps without reaching the target', () => {
    for (const maxPosition of [5, 3, 8]) {
      const env = new NumberLineEnv({ maxPosition });
      env.reset({ seed: seedWhere(env, (s) => s.target > s.position) });
      const ends: boolean[] = [];
      for (let t = 0; t < 2 * maxPosition; t++) {
        const step = env.step(0); // pushing down against the edge at 0 never reaches a target above 0
        expect(step.terminated).toBe(false);
        ends.push(step.truncated);
      }
      expect(ends.slice(0, -1).every((e) => !e)).toBe(true);
      expect(ends.at(-1)).toBe(true);
      expect(() => env.step(0)).toThrow(/reset/);
    }
  });

  it('refuses a maxPosition below 2 with a clear message', () => {
    expect(() => new NumberLineEnv({ maxPosition: 1 })).toThrow(/at least 2/);
    expect(() => new NumberLineEnv({ maxPosition: 2.5 })).toThrow();
  });
});
