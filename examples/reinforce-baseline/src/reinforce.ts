import {
  type AdvantageInput,
  type AdvantageOutput,
  defineAlgorithm,
  k3Kl,
  meanEntropy,
  type PpoLossInput,
  type PpoLossOutput,
  type RlConfig,
  ratioStats,
  sequenceLogProb,
  stepReturns,
  trajectoryReturns,
} from '@rl4vlm/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';

/** The settings under `algorithms.reinforce` in a config. */
export const reinforceSettings = z.strictObject({
  /** Whole episodes played per update (each from its own seed). */
  episodes: z.number().int().positive().default(8),
  /** An episode still running after this many steps is cut there. */
  maxEpisodeSteps: z.number().int().positive().default(20),
  /** Discount of the return-to-go. */
  gamma: z.number().min(0).max(1).default(1),
  /** Weight of the newest episode in the moving-average baseline: b ← (1 − β)·b + β·R. */
  baselineRate: z.number().gt(0).max(1).default(0.3),
});
export type ReinforceSettings = z.infer<typeof reinforceSettings>;

/**
 * REINFORCE's advantage with a moving-average baseline (Williams 1992):
 *
 *   A_t = G_t − b_k,   G_t = Σ_{j≥t} γ^{j−t} r_j in episode k,
 *   b_0 = R_0,   b_{k+1} = (1 − β)·b_k + β·R_k        (R_k: episode k's return)
 *
 * The average runs over the update's episodes in the order they were collected, not across
 * updates: the function stays pure (the same experience always gives the same advantages), which
 * is what keeps resume exact without saving a baseline in the checkpoint.
 */
export function reinforceAdvantages({
  experience,
  settings,
}: AdvantageInput<Pick<ReinforceSettings, 'gamma' | 'baselineRate'>>): AdvantageOutput {
  const returns = stepReturns(
    experience.samples,
    experience.samples.map((s) => s.reward),
    settings.gamma,
  );
  const advantages = new Array<number>(experience.samples.length).fill(0);
  let baseline: number | undefined;
  for (const { trajectory, return: episodeReturn } of trajectoryReturns(experience)) {
    const b = baseline ?? episodeReturn;
    for (const i of trajectory.indices) advantages[i] = returns[i]! - b;
    baseline = (1 - settings.baselineRate) * b + settings.baselineRate * episodeReturn;
  }
  return { advantages, metrics: { finalBaseline: baseline ?? null } };
}

/**
 * The REINFORCE loss, `−mean(A · logπ(a|s))` with the λ-weighted log-prob, built from the
 * trainer's shared pieces. No ratio and no clipping; the ratio statistics are still reported so
 * `targetKl` can end an update that strays too far.
 */
export function reinforceLoss(input: PpoLossInput, _settings: unknown, rl: RlConfig): PpoLossOutput {
  const logProbs = sequenceLogProb(input.tokenLogProbs, input.tokenWeights);
  const policyLoss = tf.neg(tf.mean(tf.mul(input.advantages, logProbs))) as tf.Scalar;
  const logRatio = tf.sub(logProbs, input.oldLogProbs);
  const { approxKl, clipFraction } = ratioStats(tf.exp(logRatio), logRatio, rl.clipRatio);
  const entropy = input.entropy ? meanEntropy(input.entropy, input.mask) : tf.scalar(0);
  const kl = input.refTokenLogProbs
    ? k3Kl(input.tokenLogProbs, input.refTokenLogProbs, input.mask)
    : tf.scalar(0);
  let loss: tf.Tensor = tf.clone(policyLoss);
  if (rl.entropyCoef > 0) loss = tf.sub(loss, tf.mul(rl.entropyCoef, entropy));
  if (rl.klCoef > 0) loss = tf.add(loss, tf.mul(rl.klCoef, kl));
  return {
    loss: loss as tf.Scalar,
    policyLoss,
    valueLoss: tf.scalar(0),
    entropy,
    kl,
    approxKl,
    clipFraction,
    guardFired: tf.scalar(0),
  };
}

/** REINFORCE with a moving-average baseline: whole episodes, no critic, no clipping. */
export const reinforce = defineAlgorithm<ReinforceSettings>({
  id: 'reinforce',
  description: 'REINFORCE with a moving-average baseline (example plugin)',
  settings: reinforceSettings,
  critic: false,
  // Whole episodes, one per seed: the trainer's group rollout with groups of one.
  collect: (s) => ({ kind: 'groups', groups: s.episodes, groupSize: 1, maxEpisodeSteps: s.maxEpisodeSteps }),
  advantages: reinforceAdvantages,
  loss: reinforceLoss,
});
