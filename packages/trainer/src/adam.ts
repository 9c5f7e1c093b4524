import * as tf from '@tensorflow/tfjs-core';

/** Hyperparameters of {@link Adam} (RL4VLM: lr 1e-5, eps 1e-7, no weight decay). */
export interface AdamSettings {
  beta1: number;
  beta2: number;
  epsilon: number;
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
 */
export class Adam {
  readonly variables: tf.Variable[];
  readonly settings: AdamSettings;
  private step = 0;
  /** Per-variable learning-rate multipliers (a policy's `learningRateScales()`), 1 by default. */
  readonly learningRateScales: readonly number[];
  private m: tf.Variable[];
  private v: tf.Variable[];

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
    this.m = this.variables.map((x) => tf.variable(tf.zerosLike(x), false));
    this.v = this.variables.map((x) => tf.variable(tf.zerosLike(x), false));
  }

  /** Optimizer steps taken so far. */
  get steps(): number {
    return this.step;
  }

  /** Applies one step with gradients in variable order. */
  apply(grads: readonly tf.Tensor[], learningRate: number): void {
    if (grads.length !== this.variables.length)
      throw new RangeError(`Adam.apply got ${grads.length} gradients for ${this.variables.length} variables`);
    const { beta1, beta2, epsilon } = this.settings;
    this.step += 1;
    const bc1 = 1 - beta1 ** this.step;
    const bc2 = 1 - beta2 ** this.step;
    const stepSize = learningRate / bc1;
    const sqrtBc2 = Math.sqrt(bc2);
    tf.tidy(() => {
      for (let i = 0; i < grads.length; i++) {
        const g = grads[i]!;
        const m = tf.add(tf.mul(this.m[i]!, beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(this.v[i]!, beta2), tf.mul(tf.square(g), 1 - beta2));
        this.m[i]!.assign(m);
        this.v[i]!.assign(v);
        const denom = tf.add(tf.div(tf.sqrt(v), sqrtBc2), epsilon);
        const step = stepSize * this.learningRateScales[i]!;
        this.variables[i]!.assign(tf.sub(this.variables[i]!, tf.mul(tf.div(m, denom), step)));
      }
    });
  }

  getState(): AdamState {
    return {
      step: this.step,
      names: this.variables.map((x) => x.name),
      m: this.m.map((t) => t.dataSync() as Float32Array).map((a) => new Float32Array(a)),
      v: this.v.map((t) => t.dataSync() as Float32Array).map((a) => new Float32Array(a)),
    };
  }

  setState(state: AdamState): void {
    if (state.m.length !== this.variables.length || state.v.length !== this.variables.length)
      throw new RangeError(
        `Optimizer state has ${state.m.length} variables, the policy has ${this.variables.length}: was it saved for another model?`,
      );
    for (let i = 0; i < this.variables.length; i++) {
      const size = this.variables[i]!.size;
      if (state.m[i]!.length !== size || state.v[i]!.length !== size)
        throw new RangeError(
          `Optimizer state for variable ${i} ('${state.names[i]}') has ${state.m[i]!.length} values, the variable '${this.variables[i]!.name}' has ${size}`,
        );
      const shape = this.variables[i]!.shape;
      this.m[i]!.assign(tf.tensor(state.m[i]!, shape, 'float32'));
      this.v[i]!.assign(tf.tensor(state.v[i]!, shape, 'float32'));
    }
    this.step = state.step;
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
  }
}
