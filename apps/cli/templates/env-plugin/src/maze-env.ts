import { createCanvas } from '@napi-rs/canvas';
import {
  BaseEnv,
  Discrete,
  type Image,
  ImageSpace,
  type Info,
  imageFromRgba,
  type ResetResult,
  type StepResult,
} from '@rl4vlm/env';

/** Action labels, in action order: what a model writes after `"action":`. */
export const MOVES = ['up', 'down', 'left', 'right'] as const;

/** Keyword arguments of {@link MazeEnv} (`make('maze/Maze-v0', {size: 4})`). */
export interface MazeKwargs {
  /** Cells per side, 2–10. Default 5. */
  size?: number;
}

/** Observation size in pixels (square). */
export const FRAME_SIZE = 64;

/**
 * Walk to the goal on a `size`×`size` grid: the agent (blue) and the goal (green) start on
 * different cells drawn from the env's seeded generator; reward 1 on reaching the goal, which ends
 * the episode. Moving into the border leaves the agent where it is.
 */
export class MazeEnv extends BaseEnv<Image, number> {
  readonly actionSpace = new Discrete(4, { labels: MOVES });
  readonly observationSpace = new ImageSpace(FRAME_SIZE, FRAME_SIZE);
  readonly size: number;
  private agent = { x: 0, y: 0 };
  private goal = { x: 0, y: 0 };
  private readonly canvas = createCanvas(FRAME_SIZE, FRAME_SIZE);

  constructor({ size = 5 }: MazeKwargs = {}) {
    super();
    if (!Number.isInteger(size) || size < 2 || size > 10)
      throw new RangeError(`size must be an integer from 2 to 10, got ${size}`);
    this.size = size;
  }

  protected resetEpisode(): ResetResult<Image> {
    // Every random draw comes from this.rng, so a seed replays an episode exactly.
    const cells = this.size * this.size;
    const start = this.rng.int(0, cells - 1);
    const goal = (start + this.rng.int(1, cells - 1)) % cells;
    this.agent = { x: start % this.size, y: Math.floor(start / this.size) };
    this.goal = { x: goal % this.size, y: Math.floor(goal / this.size) };
    return { observation: this.render(), info: this.info() };
  }

  protected stepEpisode(action: number): StepResult<Image> {
    const [dx, dy] = [
      [0, -1],
      [0, 1],
      [-1, 0],
      [1, 0],
    ][action]!;
    this.agent = {
      x: Math.min(this.size - 1, Math.max(0, this.agent.x + dx!)),
      y: Math.min(this.size - 1, Math.max(0, this.agent.y + dy!)),
    };
    const reached = this.agent.x === this.goal.x && this.agent.y === this.goal.y;
    return {
      observation: this.render(),
      reward: reached ? 1 : 0,
      terminated: reached,
      truncated: false,
      info: { ...this.info(), success: reached },
    };
  }

  /** The grid as RGB pixels, drawn with the standard Canvas 2D API. */
  render(): Image {
    const ctx = this.canvas.getContext('2d');
    const cell = FRAME_SIZE / this.size;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, FRAME_SIZE, FRAME_SIZE);
    ctx.fillStyle = '#2e9e44';
    ctx.fillRect(this.goal.x * cell, this.goal.y * cell, cell, cell);
    ctx.fillStyle = '#2255cc';
    ctx.beginPath();
    ctx.arc((this.agent.x + 0.5) * cell, (this.agent.y + 0.5) * cell, cell / 3, 0, 2 * Math.PI);
    ctx.fill();
    const { data } = ctx.getImageData(0, 0, FRAME_SIZE, FRAME_SIZE);
    return imageFromRgba(FRAME_SIZE, FRAME_SIZE, data);
  }

  /** The symbolic state, for the text layer, the oracle and tests. */
  private info(): Info {
    return { agent: [this.agent.x, this.agent.y], goal: [this.goal.x, this.goal.y] };
  }
}
