import type { Experience } from '../algorithm.js';
import type { RolloutSample } from '../rollout.js';

/** Rewards of one trajectory's samples, in step order, with their indices in the flat sample list. */
export interface Trajectory {
  episodeId: number;
  groupId: number;
  /** Indices into `experience.samples`, in step order. */
  indices: number[];
}

/** The trajectories of an experience, in order of first appearance (each sample has an `episodeId`). */
export function trajectories(samples: readonly RolloutSample[]): Trajectory[] {
  const byId = new Map<number, Trajectory>();
  samples.forEach((s, i) => {
    const t = byId.get(s.episodeId);
    if (t) t.indices.push(i);
    else byId.set(s.episodeId, { episodeId: s.episodeId, groupId: s.groupId, indices: [i] });
  });
  for (const t of byId.values())
    t.indices.sort((a, b) => samples[a]!.stepInEpisode - samples[b]!.stepInEpisode);
  return [...byId.values()];
}

/**
 * Each step's reward, less `invalidPenalty` where the reply did not parse (GiGPO's invalid-action
 * penalty; 0 leaves the env's rewards as they are).
 */
export function shapedRewards(samples: readonly RolloutSample[], invalidPenalty = 0): number[] {
  return samples.map((s) => s.reward - (s.parseOk ? 0 : invalidPenalty));
}

/**
 * The return of each trajectory R(τ) = Σ_t r_t, one per trajectory, with its group. A trajectory
 * cut by a time limit simply has the rewards it got.
 */
export function trajectoryReturns(
  experience: Experience,
  rewards: readonly number[] = experience.samples.map((s) => s.reward),
): { trajectory: Trajectory; return: number }[] {
  return trajectories(experience.samples).map((trajectory) => {
    let ret = 0;
    for (const i of trajectory.indices) ret += rewards[i]!;
    return { trajectory, return: ret };
  });
}

/** Discounted return-to-go per sample, `R_t = Σ_{k≥t} γ^{k−t} r_k` within its trajectory. */
export function stepReturns(
  samples: readonly RolloutSample[],
  rewards: readonly number[],
  gamma: number,
): number[] {
  const out = new Array<number>(samples.length).fill(0);
  for (const t of trajectories(samples)) {
    let g = 0;
    for (let k = t.indices.length - 1; k >= 0; k--) {
      const i = t.indices[k]!;
      g = rewards[i]! + gamma * g;
      out[i] = g;
    }
  }
  return out;
}

/** Broadcasts one value per trajectory to each of its samples. */
export function broadcast(
  n: number,
  perTrajectory: readonly { trajectory: Trajectory }[],
  values: readonly number[],
): number[] {
  const out = new Array<number>(n).fill(0);
  perTrajectory.forEach(({ trajectory }, k) => {
    for (const i of trajectory.indices) out[i] = values[k]!;
  });
  return out;
}

/** Mean over groups of (best − worst return): how much the copies of one deal differ. */
export function meanGroupSpread(items: readonly { trajectory: Trajectory; return: number }[]): number | null {
  const byGroup = new Map<number, number[]>();
  for (const it of items) {
    const list = byGroup.get(it.trajectory.groupId) ?? [];
    list.push(it.return);
    byGroup.set(it.trajectory.groupId, list);
  }
  if (byGroup.size === 0) return null;
  let s = 0;
  for (const rs of byGroup.values()) s += Math.max(...rs) - Math.min(...rs);
  return s / byGroup.size;
}
