import { ppo } from './algorithms/ppo.js';
import { type RlResult, type RunRlOptions, runRl } from './rl-loop.js';
import type { RlState } from './rollout-metrics.js';

/** Options of {@link runPpo}: {@link RunRlOptions} without the algorithm. */
export type RunPpoOptions = Omit<RunRlOptions, 'algorithm' | 'algorithmSettings'>;
/** What {@link runPpo} returns. */
export type PpoResult = RlResult;
/** The counters a checkpoint carries besides weights and optimizer state. */
export type PpoState = RlState;

/**
 * PPO as RL4VLM does it (spec §3): `runRl` with the built-in `ppo` algorithm — fixed-length
 * rollouts, re-scored old log-probs and values, GAE with a V(s_T) bootstrap and normalised
 * advantages, the clipped ratio and clipped value loss over seeded minibatches.
 */
export function runPpo(options: RunPpoOptions): Promise<PpoResult> {
  return runRl({ ...options, algorithm: ppo });
}
