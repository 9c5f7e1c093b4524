import { z } from 'zod';
import { type AdvantageInput, type AdvantageOutput, defineAlgorithm } from '../algorithm.js';
import { groupNormalize } from '../group-stats.js';
import { groupCollectShape, groupPlan } from './group-settings.js';
import { broadcast, meanGroupSpread, shapedRewards, stepReturns, trajectoryReturns } from './returns.js';

const settings = z.strictObject({
  ...groupCollectShape,
  /** Discount of the step returns [verl-agent ALFWorld: 0.95]. */
  gamma: z.number().min(0).max(1).default(0.95),
  /** Weight ω of the step advantage [verl-agent: 1]. */
  stepWeight: z.number().nonnegative().default(1),
  /** Subtracted from a step's reward where the reply did not parse [verl-agent: 0.1]. */
  invalidPenalty: z.number().nonnegative().default(0.1),
  /** `std` divides both advantages by the group's std + ε [verl-agent default]; `mean` only centres them. */
  normalize: z.enum(['std', 'mean']).default('std'),
  eps: z.number().positive().default(1e-6),
});
export type GigpoSettings = z.infer<typeof settings>;

/**
 * GiGPO's advantage (Feng et al., NeurIPS 2025; verl-agent `core_gigpo.py`), per step sample:
 *
 *   r'_t  = r_t − penalty·[reply t did not parse]
 *   A^E   = (R(τ) − mean_g R) / (std_g R + ε)       episode level, over the G copies of the seed
 *   R_t   = Σ_{k≥t} γ^{k−t} r'_k                     discounted return-to-go in its trajectory
 *   A^S   = (R_t − mean_S R) / (std_S R + ε)         step level, over the anchor-state group S:
 *                                                   samples of the same seed group whose raw
 *                                                   observation is identical (`anchorKey`)
 *   A     = A^E + ω·A^S
 *
 * Groups of one and groups whose values are all equal contribute 0 (no normalised noise), and a
 * trajectory cut by a time limit has the return-to-go of the steps it played.
 */
export function gigpoAdvantages({
  experience,
  settings: s,
}: AdvantageInput<
  Pick<GigpoSettings, 'gamma' | 'stepWeight' | 'invalidPenalty' | 'normalize' | 'eps'>
>): AdvantageOutput {
  const { samples } = experience;
  const rewards = shapedRewards(samples, s.invalidPenalty);
  const items = trajectoryReturns(experience, rewards);
  const scale = s.normalize === 'std';
  const episode = broadcast(
    samples.length,
    items,
    groupNormalize(
      items.map((t) => t.return),
      items.map((t) => t.trajectory.groupId),
      { scale, eps: s.eps },
    ),
  );
  const returns = stepReturns(samples, rewards, s.gamma);
  const anchors = samples.map((x) => `${x.groupId}\u0000${x.anchorKey}`);
  const step = groupNormalize(returns, anchors, { scale, eps: s.eps });
  const sizes = new Map<string, number>();
  for (const a of anchors) sizes.set(a, (sizes.get(a) ?? 0) + 1);
  const stepGroups = sizes.size;
  const larger = [...sizes.values()].filter((n) => n > 1).length;
  return {
    advantages: episode.map((a, i) => a + s.stepWeight * step[i]!),
    metrics: {
      groupReturnSpread: meanGroupSpread(items),
      stepGroups,
      stepGroupShare: stepGroups ? larger / stepGroups : null,
      meanStepGroupSize: stepGroups ? samples.length / stepGroups : null,
    },
  };
}

/** GiGPO: episode-level plus anchor-state step-level group advantages, no critic. */
export const gigpo = defineAlgorithm<GigpoSettings>({
  id: 'gigpo',
  description:
    'GiGPO: episode advantage plus step advantage over identical states of the same seed, no critic',
  settings,
  critic: false,
  collect: groupPlan,
  advantages: gigpoAdvantages,
});
