import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeGae } from '../src/gae.js';

describe('computeGae', () => {
  it('matches a hand computation with an episode boundary and a bootstrap', () => {
    // One env, 3 steps; step 1 ends an episode. γ = 0.9, λ = 0.95.
    // t=2: δ = 0 + 0.9·0.5·1 − 0.3 = 0.15;                       gae = 0.15
    // t=1: δ = 1 + 0.9·0.3·0 − 0.2 = 0.8 (done: no bootstrap);  gae = 0.8
    // t=0: δ = −1 + 0.9·0.2 − 0.1 = −0.92; gae = −0.92 + 0.9·0.95·0.8 = −0.236
    const { advantages, returns } = computeGae({
      rewards: [[-1], [1], [0]],
      values: [[0.1], [0.2], [0.3]],
      dones: [[false], [true], [false]],
      lastValues: [0.5],
      gamma: 0.9,
      lambda: 0.95,
    });
    expect(advantages.map((r) => r[0])).toEqual([
      expect.closeTo(-0.236, 12),
      expect.closeTo(0.8, 12),
      expect.closeTo(0.15, 12),
    ]);
    expect(returns.map((r) => r[0])).toEqual([
      expect.closeTo(-0.136, 12),
      expect.closeTo(1.0, 12),
      expect.closeTo(0.45, 12),
    ]);
  });

  it('keeps envs independent', () => {
    const { advantages } = computeGae({
      rewards: [[1, 0]],
      values: [[0, 0]],
      dones: [[true, false]],
      lastValues: [100, 2],
      gamma: 0.5,
      lambda: 1,
    });
    expect(advantages[0]).toEqual([1, 1]);
  });

  it('with λ = 1 and no dones, returns are the discounted sum plus the discounted bootstrap', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 8, maxLength: 8 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (rewards, vals, gamma) => {
          const T = rewards.length;
          const { returns } = computeGae({
            rewards: rewards.map((r) => [r]),
            values: vals.slice(0, T).map((v) => [v]),
            dones: rewards.map(() => [false]),
            lastValues: [vals[7]!],
            gamma,
            lambda: 1,
          });
          let g = vals[7]!;
          for (let t = T - 1; t >= 0; t--) {
            g = rewards[t]! + gamma * g;
            expect(returns[t]![0]).toBeCloseTo(g, 9);
          }
        },
      ),
    );
  });
});
