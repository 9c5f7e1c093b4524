import { z } from 'zod';
import { type AdvantageInput, type AdvantageOutput, defineAlgorithm } from '../algorithm.js';
import { groupNormalize } from '../group-stats.js';
import { groupCollectShape, groupPlan } from './group-settings.js';
import { broadcast, meanGroupSpread, trajectoryReturns } from './returns.js';

const settings = z.strictObject({
  ...groupCollectShape,
  /** `std`: (R − mean) / (std + ε) [GRPO]; `mean`: R − mean only (Dr. GRPO, verl-agent's mean_norm). */
  normalize: z.enum(['std', 'mean']).default('std'),
  /** ε in the denominator. */
  eps: z.number().positive().default(1e-6),
});
export type GrpoSettings = z.infer<typeof settings>;

/**
 * GRPO's advantage (DeepSeekMath eq. 3, outcome supervision): every step of trajectory i gets
 * `A_i = (R(τ_i) − mean_g R) / (std_g R + ε)` over the G trajectories of its group (sample std), or
 * `R(τ_i) − mean_g R` with `normalize: 'mean'`. A group of one or with all-equal returns gets 0.
 */
export function grpoAdvantages({
  experience,
  settings: s,
}: AdvantageInput<Pick<GrpoSettings, 'normalize' | 'eps'>>): AdvantageOutput {
  const items = trajectoryReturns(experience);
  const perTrajectory = groupNormalize(
    items.map((t) => t.return),
    items.map((t) => t.trajectory.groupId),
    { scale: s.normalize === 'std', eps: s.eps },
  );
  return {
    advantages: broadcast(experience.samples.length, items, perTrajectory),
    metrics: { groupReturnSpread: meanGroupSpread(items) },
  };
}

/** GRPO: group-relative episode advantages, no critic, PPO's clipped ratio. */
export const grpo = defineAlgorithm<GrpoSettings>({
  id: 'grpo',
  description: 'GRPO: episode return relative to the other copies of the same seed, no critic',
  settings,
  critic: false,
  collect: groupPlan,
  advantages: grpoAdvantages,
});
