import { z } from 'zod';
import { type AdvantageInput, type AdvantageOutput, defineAlgorithm } from '../algorithm.js';
import { computeGae } from '../gae.js';
import { normalize } from '../stats.js';

/**
 * PPO's advantages as RL4VLM computes them (spec §3): GAE(γ, λ_GAE) over each env's column of the
 * fixed-length rollout, bootstrapped with V(s_T) where the episode is still running, normalised
 * over the rollout when `rl.normalizeAdvantages`.
 */
export function ppoAdvantages({
  experience,
  values,
  bootstrapValues,
  rl,
}: AdvantageInput<unknown>): AdvantageOutput {
  const n = experience.numEnvs;
  if (!n || !bootstrapValues)
    throw new Error('ppo advantages need a steps-mode experience (numEnvs) and bootstrap values');
  const T = experience.samples.length / n;
  const rows = <X>(f: (i: number) => X): X[][] =>
    Array.from({ length: T }, (_, t) => Array.from({ length: n }, (_, e) => f(t * n + e)));
  const { advantages, returns } = computeGae({
    rewards: rows((i) => experience.samples[i]!.reward),
    values: rows((i) => values[i]!),
    dones: rows((i) => experience.samples[i]!.done),
    lastValues: [...bootstrapValues],
    gamma: rl.gamma,
    lambda: rl.gaeLambda,
  });
  const raw = advantages.flat();
  return { advantages: rl.normalizeAdvantages ? normalize(raw) : raw, returns: returns.flat() };
}

/** PPO with a value head and GAE: RL4VLM's algorithm. Its settings are the shared `ppo` section's. */
export const ppo = defineAlgorithm({
  id: 'ppo',
  description: 'PPO with a value head and GAE over fixed-length rollouts (RL4VLM)',
  settings: z.strictObject({}),
  critic: true,
  collect: () => ({ kind: 'steps' }),
  advantages: ppoAdvantages,
});
