import {
  BaseEnv,
  Discrete,
  type Image,
  ImageSpace,
  type Info,
  type ResetResult,
  type StepResult,
} from '@rl4vlm/env';
import { type Board, type Cell, completingCell, emptyBoard, emptyCells, winner } from './board.js';
import { BoardPainter, FRAME_SIZE } from './render.js';

/** Action labels: the cell numbers, 1 top left … 9 bottom right. */
export const CELL_LABELS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/** Keyword arguments of {@link TicTacToeEnv}. */
export type TicTacToeKwargs = {
  /** Chance (0–1) that the opponent ignores its rules and plays a random cell. Default 0.3. */
  opponentNoise?: number;
};

/** How an episode ended, in `info.outcome`. */
export type Outcome = 'win' | 'loss' | 'draw' | 'illegal' | undefined;

/**
 * Tic-tac-toe: the agent plays X and moves first; the opponent O wins when it can, blocks when it
 * must, and otherwise (or with probability `opponentNoise`) plays a random empty cell drawn from
 * the env's seeded generator. Rewards: win +1, draw 0, loss −1; playing an occupied cell is an
 * illegal move that ends the episode with −1. The observation is a 96×96 RGB picture of the board.
 */
export class TicTacToeEnv extends BaseEnv<Image, number> {
  readonly actionSpace = new Discrete(9, { labels: CELL_LABELS });
  readonly observationSpace = new ImageSpace(FRAME_SIZE, FRAME_SIZE);
  readonly metadata = { renderModes: ['rgb_array'] };
  private readonly painter = new BoardPainter();
  private readonly opponentNoise: number;
  private board: Cell[] = emptyBoard();
  private outcome: Outcome;

  constructor({ opponentNoise = 0.3 }: TicTacToeKwargs = {}) {
    super();
    if (!(opponentNoise >= 0 && opponentNoise <= 1)) {
      throw new RangeError(`opponentNoise must be between 0 and 1, got ${opponentNoise}`);
    }
    this.opponentNoise = opponentNoise;
  }

  /** The board, row by row (read-only copy). */
  get cells(): Board {
    return [...this.board];
  }

  render(): Image {
    return this.painter.paint(this.board);
  }

  protected resetEpisode(): ResetResult<Image> {
    this.board = emptyBoard();
    this.outcome = undefined;
    return { observation: this.render(), info: this.info() };
  }

  protected stepEpisode(action: number): StepResult<Image> {
    if (this.board[action] !== ' ') {
      this.outcome = 'illegal';
      return this.result(-1, true);
    }
    this.board[action] = 'X';
    if (winner(this.board) === 'X') {
      this.outcome = 'win';
      return this.result(1, true);
    }
    if (emptyCells(this.board).length === 0) {
      this.outcome = 'draw';
      return this.result(0, true);
    }
    this.board[this.opponentMove()] = 'O';
    if (winner(this.board) === 'O') {
      this.outcome = 'loss';
      return this.result(-1, true);
    }
    if (emptyCells(this.board).length === 0) {
      this.outcome = 'draw';
      return this.result(0, true);
    }
    return this.result(0, false);
  }

  private opponentMove(): number {
    const empty = emptyCells(this.board);
    // Draw the noise coin every move, so the generator advances the same way whatever the rules pick.
    const noisy = this.rng.float() < this.opponentNoise;
    const random = empty[this.rng.int(0, empty.length - 1)]!;
    if (noisy) return random;
    return completingCell(this.board, 'O') ?? completingCell(this.board, 'X') ?? random;
  }

  private result(reward: number, terminated: boolean): StepResult<Image> {
    return { observation: this.render(), reward, terminated, truncated: false, info: this.info() };
  }

  /** The symbolic state for oracles, tests and the random baseline (`legalActions`). */
  private info(): Info {
    return {
      board: this.board.join(''),
      legalActions: emptyCells(this.board).map((i) => CELL_LABELS[i]!),
      ...(this.outcome ? { outcome: this.outcome, success: this.outcome === 'win' } : {}),
    };
  }
}
