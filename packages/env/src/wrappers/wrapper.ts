import type { Env, ResetOptions, ResetResult, StepResult } from '../env.js';
import type { Image } from '../image.js';

/**
 * Wraps an env and forwards everything to it; subclasses override what they change.
 * `unwrapped` reaches the innermost env.
 */
export class Wrapper<Obs, Act> implements Env<Obs, Act> {
  readonly env: Env<Obs, Act>;

  constructor(env: Env<Obs, Act>) {
    this.env = env;
  }

  get observationSpace() {
    return this.env.observationSpace;
  }
  get actionSpace() {
    return this.env.actionSpace;
  }
  get metadata() {
    return this.env.metadata;
  }
  get spec() {
    return this.env.spec;
  }
  set spec(value) {
    this.env.spec = value;
  }

  /** The innermost env, under every wrapper. */
  get unwrapped(): Env<Obs, Act> {
    return this.env instanceof Wrapper ? (this.env.unwrapped as Env<Obs, Act>) : this.env;
  }

  async reset(options?: ResetOptions): Promise<ResetResult<Obs>> {
    return this.env.reset(options);
  }

  async step(action: Act): Promise<StepResult<Obs>> {
    return this.env.step(action);
  }

  async render(): Promise<Image> {
    return this.env.render();
  }

  async close(): Promise<void> {
    await this.env.close();
  }
}
