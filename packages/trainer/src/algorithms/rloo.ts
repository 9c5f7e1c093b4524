import { z } from 'zod';
import { type AdvantageInput, type AdvantageOutput, defineAlgorithm } from '../algorithm.js';
import { groupCollectShape, groupPlan } from './group-settings.js';
import { broadcast, meanGroupSpread, trajectoryReturns } from './returns.js';

const settings = z.strictObject({ ...groupCollectShape });
export type RlooSettings = z.infer<typeof settings>;

/**
 * RLOO (Ahmadian et al. 2024): `A_i = R(τ_i) − Σ_{j≠i} R(τ_j) / (G − 1)`, the leave-one-out mean of
 * the other copies of the same seed as baseline. A group of one has no other copy: 0.
 */
export function rlooAdvantages({ experience }: AdvantageInput<unknown>): AdvantageOutput {
  const items = trajectoryReturns(experience);
  const sums = new Map<number, { sum: number; n: number }>();
  for (const it of items) {
    const g = sums.get(it.trajectory.groupId) ?? { sum: 0, n: 0 };
    g.sum += it.return;
    g.n += 1;
    sums.set(it.trajectory.groupId, g);
  }
  const perTrajectory = items.map((it) => {
    const g = sums.get(it.trajectory.groupId)!;
    if (g.n < 2) return 0;
    return it.return - (g.sum - it.return) / (g.n - 1);
  });
  return {
    advantages: broadcast(experience.samples.length, items, perTrajectory),
    metrics: { groupReturnSpread: meanGroupSpread(items) },
  };
}

/** RLOO: leave-one-out episode advantages, no critic, PPO's clipped ratio. */
export const rloo = defineAlgorithm<RlooSettings>({
  id: 'rloo',
  description: 'RLOO: episode return minus the mean of the other copies of the same seed, no critic',
  settings,
  critic: false,
  collect: groupPlan,
  advantages: rlooAdvantages,
});
