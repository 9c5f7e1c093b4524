import type { Env, ResetOptions, ResetResult, StepResult } from '../env.js';
import { Wrapper } from './wrapper.js';

/** Truncates an episode after `maxEpisodeSteps` steps (`truncated: true`), as Gymnasium's `TimeLimit`. */
export class TimeLimit<Obs, Act> extends Wrapper<Obs, Act> {
  readonly maxEpisodeSteps: number;
  private elapsed = 0;

  constructor(env: Env<Obs, Act>, maxEpisodeSteps: number) {
    super(env);
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps <= 0) {
      throw new RangeError(`TimeLimit needs a positive integer maxEpisodeSteps, got ${maxEpisodeSteps}`);
    }
    this.maxEpisodeSteps = maxEpisodeSteps;
  }

  /** Steps taken in the current episode. */
  get elapsedSteps(): number {
    return this.elapsed;
  }

  override async reset(options?: ResetOptions): Promise<ResetResult<Obs>> {
    this.elapsed = 0;
    return this.env.reset(options);
  }

  override async step(action: Act): Promise<StepResult<Obs>> {
    const result = await this.env.step(action);
    this.elapsed += 1;
    if (this.elapsed >= this.maxEpisodeSteps && !result.terminated) return { ...result, truncated: true };
    return result;
  }
}
