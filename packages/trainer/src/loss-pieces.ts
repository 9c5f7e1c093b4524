import './register-gradients.js';
import * as tf from '@tensorflow/tfjs-core';

/*
 * The pieces every policy-gradient loss here is built from, each a few tensor ops. Tensors are
 * `[B, L]` per token or `[B]` per sample; call them inside `tf.variableGrads` so gradients flow
 * through the new log-probs and values.
 */

/**
 * The chain-of-thought-scaled log-probability of each reply (spec §3.3), the one place λ enters:
 * `logπ(a|s) = λ·Σ log p(thought) + Σ log p(action)`, with `tokenWeights` = λ on thought tokens,
 * 1 on action tokens and 0 on padding (see `tokenWeights`).
 */
export function sequenceLogProb(tokenLogProbs: tf.Tensor, tokenWeights: tf.Tensor): tf.Tensor {
  return tf.sum(tf.mul(tokenLogProbs, tokenWeights), 1);
}

/** What {@link clippedSurrogate} returns. */
export interface SurrogateOutput {
  policyLoss: tf.Scalar;
  ratio: tf.Tensor;
  logRatio: tf.Tensor;
  /** 1 when the ratio guard fired on this minibatch. */
  guardFired: tf.Scalar;
}

/**
 * PPO's clipped surrogate: `r = exp(logπ_new − logπ_old)`,
 * `L = mean(max(−A·r, −A·clip(r, 1−ε, 1+ε)))`; when any `r` exceeds `ratioGuard`, RL4VLM's guard
 * keeps only `mean(−A·clip(r))`, which has no gradient through the ratio.
 */
export function clippedSurrogate(
  newLogProbs: tf.Tensor,
  oldLogProbs: tf.Tensor,
  advantages: tf.Tensor,
  clipRatio: number,
  ratioGuard: number | null,
): SurrogateOutput {
  const logRatio = tf.sub(newLogProbs, oldLogProbs);
  const ratio = tf.exp(logRatio);
  const clipped = tf.clipByValue(ratio, 1 - clipRatio, 1 + clipRatio);
  const pgUnclipped = tf.neg(tf.mul(advantages, ratio));
  const pgClipped = tf.neg(tf.mul(advantages, clipped));
  const ppoObjective = tf.mean(tf.maximum(pgUnclipped, pgClipped));
  let policyLoss: tf.Scalar = ppoObjective as tf.Scalar;
  let guardFired: tf.Scalar = tf.scalar(0);
  if (ratioGuard !== null) {
    // step() rather than greater()/where(): tfjs has no gradient for comparisons on the path to the loss.
    const fired = tf.step(tf.sub(tf.max(ratio), ratioGuard)) as tf.Scalar;
    guardFired = fired;
    policyLoss = tf.add(
      tf.mul(fired, tf.mean(pgClipped)),
      tf.mul(tf.sub(1, fired), ppoObjective),
    ) as tf.Scalar;
  }
  return { policyLoss, ratio, logRatio, guardFired };
}

/** `0.5·mean(max((V − R)², (V_c − R)²))` with `V_c = V_old + clip(V − V_old, ±valueClip)`; unclipped when `valueClip` is null. */
export function clippedValueLoss(
  values: tf.Tensor,
  oldValues: tf.Tensor,
  returns: tf.Tensor,
  valueClip: number | null,
): tf.Scalar {
  const valueError = tf.square(tf.sub(values, returns));
  let perSample: tf.Tensor = valueError;
  if (valueClip !== null) {
    const vClipped = tf.add(oldValues, tf.clipByValue(tf.sub(values, oldValues), -valueClip, valueClip));
    perSample = tf.maximum(valueError, tf.square(tf.sub(vClipped, returns)));
  }
  return tf.mul(0.5, tf.mean(perSample)) as tf.Scalar;
}

/** Mean per-token entropy over real tokens. */
export function meanEntropy(entropy: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  const tokenCount = tf.maximum(tf.sum(mask), 1);
  return tf.div(tf.sum(tf.mul(entropy, mask)), tokenCount) as tf.Scalar;
}

/**
 * Mean per-sequence KL(new‖ref) by the k3 estimator (Schulman): `k3 = e^d − d − 1` with
 * `d = log p_ref − log p_new` per token, summed over the reply; unbiased and never negative.
 */
export function k3Kl(tokenLogProbs: tf.Tensor, refTokenLogProbs: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  const d = tf.mul(tf.sub(refTokenLogProbs, tokenLogProbs), mask);
  const k3 = tf.mul(tf.sub(tf.sub(tf.exp(d), d), 1), mask);
  return tf.mean(tf.sum(k3, 1)) as tf.Scalar;
}

/** `mean((r − 1) − log r)`, the low-variance estimate of KL(old‖new) that `targetKl` watches, and the clip fraction. */
export function ratioStats(
  ratio: tf.Tensor,
  logRatio: tf.Tensor,
  clipRatio: number,
): { approxKl: tf.Scalar; clipFraction: tf.Scalar } {
  const approxKl = tf.mean(tf.sub(tf.sub(ratio, 1), logRatio)) as tf.Scalar;
  const clipFraction = tf.mean(
    tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), clipRatio), 'float32'),
  ) as tf.Scalar;
  return { approxKl, clipFraction };
}
