import type { Env, ResetOptions, ResetResult, StepResult } from '../env.js';
import type { Image } from '../image.js';
import { Wrapper } from './wrapper.js';

/**
 * Records `render()` after every reset and step. `frames` holds the current episode;
 * `onEpisodeEnd(frames, episodeIndex)` is called when an episode ends (e.g. to write a GIF
 * with `episodeToGif`). `episodeTrigger` picks which episodes are recorded (default: all).
 */
export class RecordFrames<Obs, Act> extends Wrapper<Obs, Act> {
  frames: Image[] = [];
  private episodeIndex = -1;
  private recording = false;
  private readonly episodeTrigger: (episode: number) => boolean;
  private readonly onEpisodeEnd?: (frames: Image[], episode: number) => void | Promise<void>;

  constructor(
    env: Env<Obs, Act>,
    {
      episodeTrigger = () => true,
      onEpisodeEnd,
    }: {
      episodeTrigger?: (episode: number) => boolean;
      onEpisodeEnd?: (frames: Image[], episode: number) => void | Promise<void>;
    } = {},
  ) {
    super(env);
    this.episodeTrigger = episodeTrigger;
    this.onEpisodeEnd = onEpisodeEnd;
  }

  override async reset(options?: ResetOptions): Promise<ResetResult<Obs>> {
    const result = await this.env.reset(options);
    this.episodeIndex += 1;
    this.recording = this.episodeTrigger(this.episodeIndex);
    this.frames = this.recording ? [await this.env.render()] : [];
    return result;
  }

  override async step(action: Act): Promise<StepResult<Obs>> {
    const result = await this.env.step(action);
    if (this.recording) {
      this.frames.push(await this.env.render());
      if ((result.terminated || result.truncated) && this.onEpisodeEnd) {
        await this.onEpisodeEnd(this.frames, this.episodeIndex);
      }
    }
    return result;
  }
}
