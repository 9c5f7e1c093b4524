import { BaseEnv, Discrete, type Image, ImageSpace, type ResetResult, type StepResult } from '@rl4vlm/env';
import { z } from 'zod';
import { FRAME_SIZE, renderNumberLine } from '../render/scenes.js';

/** NumberLine's kwargs, as the original's `max_position`. */
export const numberLineKwargsSchema = z
  .object({
    maxPosition: z
      .number()
      .int()
      .min(2, { message: 'maxPosition must be at least 2 (with 1 the start could equal the goal)' })
      .max(9999),
  })
  .strict();
export type NumberLineKwargs = z.infer<typeof numberLineKwargsSchema>;

/** The state as numbers, in `info.state`. */
export interface NumberLineState {
  target: number;
  position: number;
  stepsMade: number;
  maxPosition: number;
}

/** Action labels by id: `-` moves down one, `+` up one. */
export const NUMBER_LINE_ACTIONS = ['-', '+'] as const;

/**
 * `gym-cards/NumberLine-v0`: move the current number to the target one step at a time.
 *
 * Rewards: +1 (terminated) on reaching the target, −1 for a move that does not get closer
 * (including a move blocked at an edge), 0 otherwise. Truncated after `2 × maxPosition` steps.
 */
export class NumberLineEnv extends BaseEnv<Image, number> {
  readonly observationSpace = new ImageSpace(FRAME_SIZE, FRAME_SIZE);
  readonly actionSpace = new Discrete(2, { labels: NUMBER_LINE_ACTIONS });
  override metadata = { renderModes: ['rgb_array'] };
  readonly maxPosition: number;
  private target = 0;
  private position = 0;
  private stepsMade = 0;
  private frame?: Image;

  constructor(kwargs: Partial<NumberLineKwargs> = {}) {
    super();
    this.maxPosition = numberLineKwargsSchema.parse({ maxPosition: 5, ...kwargs }).maxPosition;
  }

  protected resetEpisode(): ResetResult<Image> {
    this.position = this.rng.int(0, this.maxPosition);
    this.target = this.rng.int(0, this.maxPosition);
    // As the original: a collision moves the goal to (goal + 1) mod maxPosition (not maxPosition + 1).
    if (this.target === this.position) this.target = (this.target + 1) % this.maxPosition;
    this.stepsMade = 0;
    return { observation: this.draw(), info: this.info() };
  }

  protected stepEpisode(action: number): StepResult<Image> {
    this.stepsMade += 1;
    const before = Math.abs(this.position - this.target);
    if (action === 0 && this.position > 0) this.position -= 1;
    if (action === 1 && this.position < this.maxPosition) this.position += 1;
    const after = Math.abs(this.position - this.target);
    const terminated = after === 0;
    const reward = terminated ? 1 : after >= before ? -1 : 0;
    const truncated = !terminated && this.stepsMade >= 2 * this.maxPosition;
    return { observation: this.draw(), reward, terminated, truncated, info: this.info() };
  }

  render(): Image {
    return this.frame ?? this.draw();
  }

  /** The symbolic state (also in `info.state`). */
  get state(): NumberLineState {
    return {
      target: this.target,
      position: this.position,
      stepsMade: this.stepsMade,
      maxPosition: this.maxPosition,
    };
  }

  private draw(): Image {
    this.frame = renderNumberLine(this.target, this.position);
    return this.frame;
  }

  private info() {
    return { Target: this.target, Current: this.position, state: this.state };
  }
}
