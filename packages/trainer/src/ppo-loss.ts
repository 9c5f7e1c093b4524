import './register-gradients.js';
import * as tf from '@tensorflow/tfjs-core';
import {
  clippedSurrogate,
  clippedValueLoss,
  k3Kl,
  meanEntropy,
  ratioStats,
  sequenceLogProb,
} from './loss-pieces.js';

/** Settings of {@link ppoLoss}; the RL4VLM values are in brackets. */
export interface PpoLossSettings {
  /** PPO clip ε of the ratio [0.1]. */
  clipRatio: number;
  /** Clip of V − V_old in the value loss [0.1]; `null` for an unclipped value loss. */
  valueClip: number | null;
  /** Weight of the value loss [0.5]. */
  valueCoef: number;
  /** Weight of the entropy bonus [0: accepted upstream but never used]. */
  entropyCoef: number;
  /** Weight of the KL penalty to the starting policy [0: upstream has none]. */
  klCoef: number;
  /**
   * When any ratio of the minibatch exceeds this, the policy loss is only `−clip(r)·A`, which
   * has no gradient through the ratio [10, RL4VLM's guard]; `null` turns the guard off.
   */
  ratioGuard: number | null;
  /** `false` for a critic-free algorithm (GRPO, RLOO, GiGPO): no value term at all. Default true. */
  valueLoss?: boolean;
}

/** One minibatch as the loss sees it. Tensors are `[B, L]` per token or `[B]` per sample. */
export interface PpoLossInput {
  /** New per-token log-probs from `policy.score` (connected to the trainable variables). */
  tokenLogProbs: tf.Tensor;
  /** λ on thought tokens, 1 on action tokens, 0 on padding (see `tokenWeights`). */
  tokenWeights: tf.Tensor;
  /** 1 on real response tokens, 0 on padding. */
  mask: tf.Tensor;
  /** New values V(s). */
  values: tf.Tensor;
  /** Per-token entropy; needed when `entropyCoef > 0`, reported when given. */
  entropy?: tf.Tensor;
  /** Per-token log-probs of the starting policy (constants); needed when `klCoef > 0`. */
  refTokenLogProbs?: tf.Tensor;
  /** λ-weighted log-probs at rollout time. */
  oldLogProbs: tf.Tensor;
  advantages: tf.Tensor;
  returns: tf.Tensor;
  oldValues: tf.Tensor;
}

/** The scalar loss to differentiate and the statistics to log (all scalars, the caller disposes). */
export interface PpoLossOutput {
  loss: tf.Scalar;
  policyLoss: tf.Scalar;
  valueLoss: tf.Scalar;
  /** Mean per-token entropy over real tokens (0 when no entropy was given). */
  entropy: tf.Scalar;
  /** Mean per-sequence KL to the starting policy (k3 estimator; 0 without a reference). */
  kl: tf.Scalar;
  /** Mean of `(r − 1) − log r`, the low-variance estimate of KL(old‖new). */
  approxKl: tf.Scalar;
  /** Fraction of samples with `|r − 1| > ε`. */
  clipFraction: tf.Scalar;
  /** 1 when the ratio guard fired on this minibatch. */
  guardFired: tf.Scalar;
}

/**
 * The RL4VLM PPO loss for one minibatch (spec §3.3–3.4), top to bottom:
 *
 *   logπ(a|s) = λ·Σ log p(thought) + Σ log p(action)        (the CoT-scaled log-prob)
 *   r         = exp(logπ_new − logπ_old)
 *   L_pg      = mean(max(−A·r, −A·clip(r, 1−ε, 1+ε)))       (or mean(−A·clip(r)) if any r > guard)
 *   V_c       = V_old + clip(V − V_old, −ε_v, ε_v)
 *   L_v       = mean(0.5·max((V − R)², (V_c − R)²))
 *   loss      = L_pg + c_v·L_v − c_e·H + c_kl·KL               (no L_v when `valueLoss: false`)
 *
 * Built from the shared pieces in `loss-pieces.ts`, which other algorithms' losses reuse.
 * Call it inside `tf.variableGrads` so the gradient flows through `tokenLogProbs` and `values`.
 */
export function ppoLoss(input: PpoLossInput, s: PpoLossSettings): PpoLossOutput {
  const { tokenLogProbs, tokenWeights, mask, values, oldLogProbs, advantages, returns, oldValues } = input;
  const newLogProbs = sequenceLogProb(tokenLogProbs, tokenWeights);
  const { policyLoss, ratio, logRatio, guardFired } = clippedSurrogate(
    newLogProbs,
    oldLogProbs,
    advantages,
    s.clipRatio,
    s.ratioGuard,
  );
  const withValue = s.valueLoss !== false;
  const valueLoss = withValue ? clippedValueLoss(values, oldValues, returns, s.valueClip) : tf.scalar(0);
  const entropy = input.entropy ? meanEntropy(input.entropy, mask) : tf.scalar(0);

  let kl: tf.Scalar = tf.scalar(0);
  if (input.refTokenLogProbs) {
    kl = k3Kl(tokenLogProbs, input.refTokenLogProbs, mask);
  } else if (s.klCoef > 0) {
    throw new Error(
      'ppoLoss: klCoef > 0 needs refTokenLogProbs (score the rollout with the starting policy)',
    );
  }
  if (s.entropyCoef > 0 && !input.entropy)
    throw new Error('ppoLoss: entropyCoef > 0 needs the per-token entropy');

  // clone: the loss is disposed after differentiation, the policy loss is kept as a statistic.
  let loss: tf.Tensor = withValue ? tf.add(policyLoss, tf.mul(s.valueCoef, valueLoss)) : tf.clone(policyLoss);
  if (s.entropyCoef > 0) loss = tf.sub(loss, tf.mul(s.entropyCoef, entropy));
  if (s.klCoef > 0) loss = tf.add(loss, tf.mul(s.klCoef, kl));

  const { approxKl, clipFraction } = ratioStats(ratio, logRatio, s.clipRatio);
  return { loss: loss as tf.Scalar, policyLoss, valueLoss, entropy, kl, approxKl, clipFraction, guardFired };
}
