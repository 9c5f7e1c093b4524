import * as tf from '@tensorflow/tfjs-core';

/** √(Σ‖g‖²) over all gradients, in float32 on the backend, read back as a number. */
export function globalNorm(grads: readonly tf.Tensor[]): number {
  return tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))).dataSync()[0]!);
}

/**
 * Sums gradients over micro-batches; {@link GradientAccumulator.take} returns their mean.
 * Non-finite gradients are refused so they never reach the weights.
 */
export class GradientAccumulator {
  private sums: tf.Tensor[] | undefined;
  private count = 0;

  /** Micro-batches added since the last take. */
  get size(): number {
    return this.count;
  }

  /** Adds one micro-batch's gradients (in variable order); the caller keeps ownership of `grads`. */
  add(grads: readonly tf.Tensor[]): void {
    const prev = this.sums;
    this.sums = prev
      ? grads.map((g, i) => tf.keep(tf.add(prev[i]!, g)))
      : grads.map((g) => tf.keep(tf.clone(g)));
    if (prev) for (const t of prev) t.dispose();
    this.count += 1;
  }

  /** The mean gradient, clipped to `maxNorm` by global norm when given, and its norm before clipping; resets. */
  take(maxNorm: number | null): { grads: tf.Tensor[]; norm: number } | undefined {
    if (!this.sums) return undefined;
    const sums = this.sums;
    const count = this.count;
    this.sums = undefined;
    this.count = 0;
    const mean = sums.map((s) => tf.keep(tf.div(s, count)));
    for (const t of sums) t.dispose();
    const norm = globalNorm(mean);
    if (maxNorm === null || !Number.isFinite(norm) || norm <= maxNorm) return { grads: mean, norm };
    const scale = maxNorm / (norm + 1e-6);
    const clipped = mean.map((g) => tf.keep(tf.mul(g, scale)));
    for (const t of mean) t.dispose();
    return { grads: clipped, norm };
  }

  dispose(): void {
    for (const t of this.sums ?? []) t.dispose();
    this.sums = undefined;
    this.count = 0;
  }
}
