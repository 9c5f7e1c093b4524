/**
 * Each algorithm's advantage function against numbers worked out by hand, on small constructed
 * experiences, and the degenerate cases: a group of one, all-equal returns, a trajectory cut by a
 * time limit.
 */
import { describe, expect, it } from 'vitest';
import type { AdvantageInput, Experience } from '../src/algorithm.js';
import { gigpo, gigpoAdvantages } from '../src/algorithms/gigpo.js';
import { grpo, grpoAdvantages } from '../src/algorithms/grpo.js';
import { ppoAdvantages } from '../src/algorithms/ppo.js';
import { rloo, rlooAdvantages } from '../src/algorithms/rloo.js';
import { resolvePpoConfig } from '../src/config.js';
import { groupNormalize, groupStats } from '../src/group-stats.js';
import { resolveAlgorithmSettings } from '../src/rl-loop.js';
import type { RolloutSample } from '../src/rollout.js';

/** A trajectory: its group, and per step (state, reward, reply parsed?). */
type Traj = { group: number; steps: { state: string; reward: number; ok?: boolean; truncated?: boolean }[] };

function experience(trajs: Traj[]): Experience {
  const samples: RolloutSample[] = [];
  trajs.forEach((t, episodeId) => {
    t.steps.forEach((s, k) => {
      const last = k === t.steps.length - 1;
      samples.push({
        envIndex: 0,
        groupId: t.group,
        episodeId,
        stepInEpisode: k,
        anchorKey: s.state,
        prompt: { text: s.state, images: [] },
        info: {},
        responseTokenIds: [1],
        text: 'x',
        split: { actionStart: 0, length: 1, foundKey: true },
        tokenLogProbs: [0],
        oldLogProb: 0,
        value: 0,
        reward: s.reward,
        terminated: last && !s.truncated,
        truncated: last && !!s.truncated,
        done: last,
        parseOk: s.ok !== false,
      });
    });
  });
  return { samples, episodes: [], generatedTokens: samples.length, seconds: 1 };
}

const rl = resolvePpoConfig({});
function input<S>(exp: Experience, settings: S): AdvantageInput<S> {
  return { experience: exp, values: exp.samples.map(() => 0), settings, rl };
}
const one = (reward: number, group: number, state = 's'): Traj => ({ group, steps: [{ state, reward }] });

describe('groupStats / groupNormalize', () => {
  it('computes per-group mean, sample std, size and spread; non-contiguous groups', () => {
    const s = groupStats([1, 10, 3, 10], ['a', 'b', 'a', 'b']);
    expect(s.mean).toEqual([2, 10, 2, 10]);
    expect(s.std[0]).toBeCloseTo(Math.SQRT2, 12); // ((1)^2 + (1)^2) / (2 − 1)
    expect(s.std[1]).toBe(0);
    expect(s.size).toEqual([2, 2, 2, 2]);
    expect(s.spread).toEqual([2, 0, 2, 0]);
    expect(s.groups).toBe(2);
  });
  it('gives exactly 0 to a constant group, even when rounding makes its mean differ from its values', () => {
    expect(groupNormalize([0.1, 0.1, 0.1], [0, 0, 0])).toEqual([0, 0, 0]);
    expect(groupNormalize([7], [0])).toEqual([0]);
  });
});

describe('GRPO', () => {
  // Group 0: returns 2 (= 0 + 2 over two steps), 0, 1 → mean 1, sample std 1.
  // Group 1: one trajectory. Group 2: all returns equal.
  const exp = experience([
    {
      group: 0,
      steps: [
        { state: 'a', reward: 0 },
        { state: 'b', reward: 2 },
      ],
    },
    one(0, 0),
    one(1, 0),
    one(5, 1),
    one(1, 2),
    one(1, 2),
  ]);
  it('mean/std: (R − mean_g) / (std_g + ε) on every step of the trajectory', () => {
    const { advantages } = grpoAdvantages(input(exp, { normalize: 'std' as const, eps: 1e-6 }));
    const a = 1 / (1 + 1e-6);
    expect(advantages).toHaveLength(7);
    for (const [got, want] of advantages.map((x, i) => [x, [a, a, -a, 0, 0, 0, 0][i]!]))
      expect(got).toBeCloseTo(want!, 12);
  });
  it('mean only: R − mean_g', () => {
    const { advantages, metrics } = grpoAdvantages(input(exp, { normalize: 'mean' as const, eps: 1e-6 }));
    expect(advantages).toEqual([1, 1, -1, 0, 0, 0, 0]);
    // Spread: group 0: 2 − 0, group 1: 0, group 2: 0 → mean 2/3.
    expect(metrics!.groupReturnSpread).toBeCloseTo(2 / 3, 12);
  });
  it('a perfect policy (all returns equal) gets exactly zero advantage, not normalised noise', () => {
    const perfect = experience([one(1, 0), one(1, 0), one(1, 0), one(1, 0)]);
    expect(grpoAdvantages(input(perfect, resolveAlgorithmSettings(grpo, {}))).advantages).toEqual([
      0, 0, 0, 0,
    ]);
  });
});

describe('RLOO', () => {
  it('leave-one-out: R_i − Σ_{j≠i} R_j / (G − 1); a group of one gets 0', () => {
    const exp = experience([one(2, 0), one(0, 0), one(1, 0), one(5, 1), one(-1, 2), one(-1, 2)]);
    // Group 0: 2 − (0+1)/2 = 1.5, 0 − (2+1)/2 = −1.5, 1 − (2+0)/2 = 0.
    expect(rlooAdvantages(input(exp, resolveAlgorithmSettings(rloo, {}))).advantages).toEqual([
      1.5, -1.5, 0, 0, 0, 0,
    ]);
  });
});

describe('GiGPO', () => {
  // One seed, two copies. τ1: S0 → S1 → goal; τ2: S0 → S3 → S1 → goal. Both pass S0 and S1
  // (τ2 reaches S1 one step later). γ = 0.5, no invalid replies.
  const tau1: Traj = {
    group: 0,
    steps: [
      { state: 'S0', reward: 0 },
      { state: 'S1', reward: 1 },
    ],
  };
  const tau2: Traj = {
    group: 0,
    steps: [
      { state: 'S0', reward: -1 },
      { state: 'S3', reward: 0 },
      { state: 'S1', reward: 1 },
    ],
  };
  const settings = { gamma: 0.5, stepWeight: 1, invalidPenalty: 0, normalize: 'std' as const, eps: 0 };
  it('episode advantage plus step advantage over identical states', () => {
    // Episode: R = 1, 0 → ±0.5 / std(1, 0) = ±0.5 / 0.70711 = ±0.70711.
    // Step returns: τ1: 0.5, 1; τ2: −1 + 0.5·(0 + 0.5·1) = −0.75, 0.5, 1.
    // S0 = {0.5, −0.75}: mean −0.125, std 0.88388 → ±0.70711. S1 = {1, 1}: equal → 0. S3 alone → 0.
    const { advantages, metrics } = gigpoAdvantages(input(experience([tau1, tau2]), settings));
    const e = Math.SQRT1_2;
    const want = [e + e, e + 0, -e - e, -e + 0, -e + 0];
    advantages.forEach((a, i) => {
      expect(a).toBeCloseTo(want[i]!, 10);
    });
    // Step groups S0, S1, S3: two of the three have more than one member.
    expect(metrics!.stepGroups).toBe(3);
    expect(metrics!.stepGroupShare).toBeCloseTo(2 / 3, 12);
    expect(metrics!.groupReturnSpread).toBe(1);
  });
  it('ω scales the step part; the same state in another seed group is not pooled', () => {
    const other: Traj = { group: 1, steps: [{ state: 'S0', reward: 5 }] };
    const base = gigpoAdvantages(input(experience([tau1, tau2]), settings)).advantages;
    const half = gigpoAdvantages(input(experience([tau1, tau2, other]), { ...settings, stepWeight: 0.5 }));
    const e = Math.SQRT1_2;
    const want = [e + 0.5 * e, e, -e - 0.5 * e, -e, -e, 0];
    half.advantages.forEach((a, i) => {
      expect(a).toBeCloseTo(want[i]!, 10);
    });
    expect(base[0]).toBeCloseTo(2 * e, 10);
  });
  it('subtracts the invalid-reply penalty from the rewards of replies that did not parse', () => {
    // Two copies, one step each; the second reply did not parse: returns 1 and 1 − 0.25.
    const exp = experience([
      { group: 0, steps: [{ state: 'S', reward: 1 }] },
      { group: 0, steps: [{ state: 'S', reward: 1, ok: false }] },
    ]);
    const s = { ...settings, invalidPenalty: 0.25, normalize: 'mean' as const };
    // Episode: 1 − 0.875 = 0.125, 0.75 − 0.875 = −0.125; step group S the same again.
    expect(gigpoAdvantages(input(exp, s)).advantages).toEqual([0.25, -0.25]);
  });
  it('a trajectory cut by the time limit has finite advantages; a group of one gets 0', () => {
    const cut: Traj = { group: 0, steps: Array.from({ length: 4 }, () => ({ state: 'S', reward: 0 })) };
    cut.steps[3]!.truncated = true;
    const exp = experience([cut, { group: 0, steps: [{ state: 'S', reward: 1 }] }, one(3, 1)]);
    const { advantages } = gigpoAdvantages(input(exp, resolveAlgorithmSettings(gigpo, {})));
    expect(advantages.every(Number.isFinite)).toBe(true);
    expect(advantages.at(-1)).toBe(0);
    for (const a of [grpoAdvantages, rlooAdvantages])
      expect(a(input(exp, resolveAlgorithmSettings(grpo, {}))).advantages.every(Number.isFinite)).toBe(true);
  });
});

describe('PPO', () => {
  it('GAE over each env column of a steps-mode experience, with the V(s_T) bootstrap', () => {
    // Two envs, two steps, samples time-major: [t0e0, t0e1, t1e0, t1e1].
    const exp = experience([one(0, 0), one(1, 1), one(1, 2), one(0, 3)]);
    const samples = exp.samples.map((s, i) => ({ ...s, done: i === 1 }));
    const r = ppoAdvantages({
      experience: { ...exp, samples, numEnvs: 2 },
      values: [0.5, 0.5, 0.5, 0.5],
      bootstrapValues: [1, 0],
      settings: {},
      rl: resolvePpoConfig({ gamma: 0.5, gaeLambda: 1, normalizeAdvantages: false }),
    });
    // env 0: δ1 = 1 + 0.5·1 − 0.5 = 1; δ0 = 0 + 0.5·0.5 − 0.5 = −0.25; A0 = −0.25 + 0.5·1 = 0.25.
    // env 1: step 0 ended its episode: A0 = 1 − 0.5 = 0.5; δ1 = 0 + 0 − 0.5 = −0.5.
    expect(r.advantages).toEqual([0.25, 0.5, 1, -0.5]);
    expect(r.returns).toEqual([0.75, 1, 1.5, 0]);
  });
});

describe('settings', () => {
  it('fill in defaults and name a bad or unknown key under algorithm.settings', () => {
    expect(resolveAlgorithmSettings(gigpo, {})).toMatchObject({ groupSize: 4, gamma: 0.95, stepWeight: 1 });
    expect(() => resolveAlgorithmSettings(gigpo, { groupSize: 0 })).toThrow(/algorithms\.gigpo\.groupSize/);
    expect(() => resolveAlgorithmSettings(grpo, { groupsize: 4 })).toThrow(/groupsize/);
  });
});
