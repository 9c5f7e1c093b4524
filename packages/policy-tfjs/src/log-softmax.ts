import * as tf from '@tensorflow/tfjs-core';

/**
 * `log_softmax(x)` over the last axis of `x [n, v]`, with the probabilities `softmax(x)` beside it.
 * tfjs's `logSoftmax` runs `Exp` on the whole input forward and again in its gradient, and the
 * wasm `Exp` is scalar (~10 ns an element; 3 of them on the `[1024, 768]` logits were ~25 ms of a
 * tiny training step). Here the one exponential pass is the backend's `Softmax` (XNNPACK's
 * vectorised kernel on wasm, ~3× faster than `Exp`):
 * `log_softmax(x) = x − max(x) + log(max(softmax(x)))`, since the largest probability is
 * `1 / Σ exp(x − max(x))`, at least `1/v`, so its log is well conditioned.
 * The gradient is the usual `dy − Σdy · softmax(x)`, from the saved probabilities.
 * `probs` is an ordinary differentiable tensor (for an entropy term).
 */
export function logSoftmaxWithProbs(x: tf.Tensor2D): { logProbs: tf.Tensor2D; probs: tf.Tensor2D } {
  const probs = tf.softmax(x);
  // `probs` enters the op from outside, so the op's own gradient is its only path to `x`.
  const op = tf.customGrad(((logits: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const shift = tf.sub(tf.max(logits, -1, true), tf.log(tf.max(probs, -1, true)));
    save([probs]);
    return {
      value: tf.sub(logits, shift),
      gradFunc: (dy: tf.Tensor, [p]: tf.Tensor[]) => tf.sub(dy, tf.mul(tf.sum(dy, -1, true), p!)),
    };
  }) as never) as (logits: tf.Tensor2D) => tf.Tensor2D;
  return { logProbs: op(x), probs };
}
