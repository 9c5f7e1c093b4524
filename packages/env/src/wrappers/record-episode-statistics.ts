import type { Env, ResetOptions, ResetResult, StepResult } from '../env.js';
import { Wrapper } from './wrapper.js';

/** The statistics of one finished episode: return `r`, length `l`, wall time `t` in seconds. */
export interface EpisodeStatistics {
  r: number;
  l: number;
  t: number;
}

/**
 * Adds `info.episode = {r, l, t}` on the step that ends an episode, as Gymnasium's
 * `RecordEpisodeStatistics`, and keeps the last `bufferLength` episodes in `returnQueue`/`lengthQueue`.
 */
export class RecordEpisodeStatistics<Obs, Act> extends Wrapper<Obs, Act> {
  readonly returnQueue: number[] = [];
  readonly lengthQueue: number[] = [];
  private readonly bufferLength: number;
  private episodeReturn = 0;
  private episodeLength = 0;
  private startTime = 0;

  constructor(env: Env<Obs, Act>, { bufferLength = 100 } = {}) {
    super(env);
    this.bufferLength = bufferLength;
  }

  override async reset(options?: ResetOptions): Promise<ResetResult<Obs>> {
    this.episodeReturn = 0;
    this.episodeLength = 0;
    this.startTime = performance.now();
    return this.env.reset(options);
  }

  override async step(action: Act): Promise<StepResult<Obs>> {
    const result = await this.env.step(action);
    this.episodeReturn += result.reward;
    this.episodeLength += 1;
    if (!result.terminated && !result.truncated) return result;
    const episode: EpisodeStatistics = {
      r: this.episodeReturn,
      l: this.episodeLength,
      t: (performance.now() - this.startTime) / 1000,
    };
    this.returnQueue.push(episode.r);
    this.lengthQueue.push(episode.l);
    if (this.returnQueue.length > this.bufferLength) {
      this.returnQueue.shift();
      this.lengthQueue.shift();
    }
    return { ...result, info: { ...result.info, episode } };
  }
}
