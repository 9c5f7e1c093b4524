import * as tf from '@tensorflow/tfjs-core';

/** Hyperparameters of {@link Adam} (RL4VLM: lr 1e-5, eps 1e-7, no weight decay). */
export interface AdamSettings {
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** Gradients in variable order as one flat vector (what {@link Adam.applyFlat} takes). */
export function flattenGradients(grads: readonly tf.Tensor[]): tf.Tensor1D {
  return tf.concat(grads.map((x) => tf.reshape(x, [-1]))) as tf.Tensor1D;
}

/** A serialisable snapshot of {@link Adam}: the step count and both moments per variable, in variable order. */
export interface AdamState {
  step: number;
  names: string[];
  m: Float32Array[];
  v: Float32Array[];
}

/**
 * Adam (torch's formulation) over a fixed list of variables, with state that round-trips
 * bit-exactly. tfjs's own `AdamOptimizer` keeps β^t as a running float32 product but restores
 * it with `pow`, so a resumed run would drift by an ulp; here the bias corrections are computed
 * from the step count in float64 on every step.
 *
 * The moments live in two flat buffers over all variables (in variable order), so a step is one
 * chain of ~12 element-wise kernels over every weight at once plus one slice, subtract and
 * assign per variable, instead of ~12 kernels per variable (a `tiny` policy has ~60 variables).
 * The per-variable learning-rate scales are a constant flat vector. {@link getState} and
 * {@link setState} still speak per-variable moments, so saved optimizer states load either way.
 */
export class Adam {
  readonly variables: tf.Variable[];
  readonly settings: AdamSettings;
  private step = 0;
  /** Per-variable learning-rate multipliers (a policy's `learningRateScales()`), 1 by default. */
  readonly learningRateScales: readonly number[];
  /** Where each variable starts in the flat buffers. */
  private readonly offsets: number[];
  private readonly size: number;
  private readonly m: tf.Variable;
  private readonly v: tf.Variable;
  /** The learning-rate scale of every element, or undefined when all scales are 1. */
  private readonly scales: tf.Tensor1D | undefined;

  constructor(
    variables: readonly tf.Variable[],
    { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 }: Partial<AdamSettings> = {},
    learningRateScales?: readonly number[],
  ) {
    if (variables.length === 0) throw new RangeError('Adam needs at least one trainable variable');
    if (learningRateScales && learningRateScales.length !== variables.length)
      throw new RangeError(
        `Adam got ${learningRateScales.length} learning-rate scales for ${variables.length} variables`,
      );
    const bad = learningRateScales?.find((x) => !(Number.isFinite(x) && x >= 0));
    if (bad !== undefined)
      throw new RangeError(`Adam learning-rate scales must be finite and ≥ 0, got ${bad}`);
    this.learningRateScales = learningRateScales ? [...learningRateScales] : variables.map(() => 1);
    this.variables = [...variables];
    this.settings = { beta1, beta2, epsilon };
    this.offsets = [];
    let size = 0;
    for (const x of this.variables) {
      this.offsets.push(size);
      size += x.size;
    }
    this.size = size;
    this.m = tf.variable(tf.zeros([size]), false);
    this.v = tf.variable(tf.zeros([size]), false);
    if (this.learningRateScales.some((x) => x !== 1)) {
      const scales = new Float32Array(size);
      this.variables.forEach((x, i) => {
        scales.fill(this.learningRateScales[i]!, this.offsets[i]!, this.offsets[i]! + x.size);
      });
      this.scales = tf.keep(tf.tensor1d(scales));
    }
  }

  /** Optimizer steps taken so far. */
  get steps(): number {
    return this.step;
  }

  /** Applies one step with gradients in variable order. */
  apply(grads: readonly tf.Tensor[], learningRate: number): void {
    if (grads.length !== this.variables.length)
      throw new RangeError(`Adam.apply got ${grads.length} gradients for ${this.variables.length} variables`);
    tf.tidy(() => this.applyFlat(flattenGradients(grads), learningRate));
  }

  /**
   * Applies one step with every gradient in one flat vector, in variable order (what
   * {@link flattenGradients} makes): the same bits as {@link apply} with the pieces. Replicas on
   * worker threads get the step this way.
   */
  applyFlat(flat: tf.Tensor1D, learningRate: number): void {
    if (flat.size !== this.size)
      throw new RangeError(`Adam.applyFlat got ${flat.size} gradient values for ${this.size} weights`);
    const { beta1, beta2, epsilon } = this.settings;
    this.step += 1;
    const bc1 = 1 - beta1 ** this.step;
    const bc2 = 1 - beta2 ** this.step;
    const stepSize = learningRate / bc1;
    const sqrtBc2 = Math.sqrt(bc2);
    tf.tidy(() => {
      const g = flat;
      const m = tf.add(tf.mul(this.m, beta1), tf.mul(g, 1 - beta1));
      const v = tf.add(tf.mul(this.v, beta2), tf.mul(tf.square(g), 1 - beta2));
      this.m.assign(m);
      this.v.assign(v);
      const denom = tf.add(tf.div(tf.sqrt(v), sqrtBc2), epsilon);
      const ratio = tf.div(m, denom);
      const update = this.scales ? tf.mul(ratio, tf.mul(this.scales, stepSize)) : tf.mul(ratio, stepSize);
      this.variables.forEach((x, i) => {
        if (this.learningRateScales[i] === 0) return;
        const part = tf.reshape(tf.slice(update, this.offsets[i]!, x.size), x.shape);
        x.assign(tf.sub(x, part));
      });
    });
  }

  getState(): AdamState {
    const m = this.m.dataSync() as Float32Array;
    const v = this.v.dataSync() as Float32Array;
    const part = (flat: Float32Array, i: number) =>
      flat.slice(this.offsets[i]!, this.offsets[i]! + this.variables[i]!.size);
    return {
      step: this.step,
      names: this.variables.map((x) => x.name),
      m: this.variables.map((_, i) => part(m, i)),
      v: this.variables.map((_, i) => part(v, i)),
    };
  }

  setState(state: AdamState): void {
    if (state.m.length !== this.variables.length || state.v.length !== this.variables.length)
      throw new RangeError(
        `Optimizer state has ${state.m.length} variables, the policy has ${this.variables.length}: was it saved for another model?`,
      );
    const m = new Float32Array(this.size);
    const v = new Float32Array(this.size);
    for (let i = 0; i < this.variables.length; i++) {
      const size = this.variables[i]!.size;
      if (state.m[i]!.length !== size || state.v[i]!.length !== size)
        throw new RangeError(
          `Optimizer state for variable ${i} ('${state.names[i]}') has ${state.m[i]!.length} values, the variable '${this.variables[i]!.name}' has ${size}`,
        );
      m.set(state.m[i]!, this.offsets[i]!);
      v.set(state.v[i]!, this.offsets[i]!);
    }
    tf.tidy(() => {
      this.m.assign(tf.tensor1d(m));
      this.v.assign(tf.tensor1d(v));
    });
    this.step = state.step;
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
    this.scales?.dispose();
  }
}
