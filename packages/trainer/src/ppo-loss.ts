import './register-gradients.js';
import * as tf from '@tensorflow/tfjs-core';

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
 *   loss      = L_pg + c_v·L_v − c_e·H + c_kl·KL
 *
 * Call it inside `tf.variableGrads` so the gradient flows through `tokenLogProbs` and `values`.
 */
export function ppoLoss(input: PpoLossInput, s: PpoLossSettings): PpoLossOutput {
  const { tokenLogProbs, tokenWeights, mask, values, oldLogProbs, advantages, returns, oldValues } = input;
  const newLogProbs = tf.sum(tf.mul(tokenLogProbs, tokenWeights), 1);
  const logRatio = tf.sub(newLogProbs, oldLogProbs);
  const ratio = tf.exp(logRatio);
  const clipped = tf.clipByValue(ratio, 1 - s.clipRatio, 1 + s.clipRatio);
  const pgUnclipped = tf.neg(tf.mul(advantages, ratio));
  const pgClipped = tf.neg(tf.mul(advantages, clipped));
  const ppoObjective = tf.mean(tf.maximum(pgUnclipped, pgClipped));
  let policyLoss: tf.Scalar = ppoObjective as tf.Scalar;
  let guardFired: tf.Scalar = tf.scalar(0);
  if (s.ratioGuard !== null) {
    // step() rather than greater()/where(): tfjs has no gradient for comparisons on the path to the loss.
    const fired = tf.step(tf.sub(tf.max(ratio), s.ratioGuard)) as tf.Scalar;
    guardFired = fired;
    policyLoss = tf.add(
      tf.mul(fired, tf.mean(pgClipped)),
      tf.mul(tf.sub(1, fired), ppoObjective),
    ) as tf.Scalar;
  }

  const valueError = tf.square(tf.sub(values, returns));
  let perSampleValueLoss: tf.Tensor = valueError;
  if (s.valueClip !== null) {
    const vClipped = tf.add(oldValues, tf.clipByValue(tf.sub(values, oldValues), -s.valueClip, s.valueClip));
    perSampleValueLoss = tf.maximum(valueError, tf.square(tf.sub(vClipped, returns)));
  }
  const valueLoss = tf.mul(0.5, tf.mean(perSampleValueLoss)) as tf.Scalar;

  const tokenCount = tf.maximum(tf.sum(mask), 1);
  const entropy = (
    input.entropy ? tf.div(tf.sum(tf.mul(input.entropy, mask)), tokenCount) : tf.scalar(0)
  ) as tf.Scalar;

  let kl: tf.Scalar = tf.scalar(0);
  if (input.refTokenLogProbs) {
    // k3 = e^d − d − 1 with d = log p_ref − log p_new: unbiased for KL(new‖ref) and never negative.
    const d = tf.mul(tf.sub(input.refTokenLogProbs, tokenLogProbs), mask);
    const k3 = tf.mul(tf.sub(tf.sub(tf.exp(d), d), 1), mask);
    kl = tf.mean(tf.sum(k3, 1)) as tf.Scalar;
  } else if (s.klCoef > 0) {
    throw new Error(
      'ppoLoss: klCoef > 0 needs refTokenLogProbs (score the rollout with the starting policy)',
    );
  }
  if (s.entropyCoef > 0 && !input.entropy)
    throw new Error('ppoLoss: entropyCoef > 0 needs the per-token entropy');

  let loss = tf.add(policyLoss, tf.mul(s.valueCoef, valueLoss));
  if (s.entropyCoef > 0) loss = tf.sub(loss, tf.mul(s.entropyCoef, entropy));
  if (s.klCoef > 0) loss = tf.add(loss, tf.mul(s.klCoef, kl));

  const approxKl = tf.mean(tf.sub(tf.sub(ratio, 1), logRatio)) as tf.Scalar;
  const clipFraction = tf.mean(
    tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), s.clipRatio), 'float32'),
  ) as tf.Scalar;
  return { loss: loss as tf.Scalar, policyLoss, valueLoss, entropy, kl, approxKl, clipFraction, guardFired };
}
