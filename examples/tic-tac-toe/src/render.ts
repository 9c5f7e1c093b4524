import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { type Image, imageFromRgba } from '@rl4vlm/env';
import type { Board } from './board.js';

/** Observation size in pixels (square). */
export const FRAME_SIZE = 96;

const CELL = FRAME_SIZE / 3;

// Pip positions (in a unit cell) for 1..9, as on dice: no font is needed, so every machine draws the same pixels.
const PIPS: readonly (readonly [number, number])[][] = [
  [[0.5, 0.5]],
  [
    [0.3, 0.3],
    [0.7, 0.7],
  ],
  [
    [0.3, 0.3],
    [0.5, 0.5],
    [0.7, 0.7],
  ],
  [
    [0.3, 0.3],
    [0.7, 0.3],
    [0.3, 0.7],
    [0.7, 0.7],
  ],
  [
    [0.3, 0.3],
    [0.7, 0.3],
    [0.5, 0.5],
    [0.3, 0.7],
    [0.7, 0.7],
  ],
  [
    [0.3, 0.25],
    [0.7, 0.25],
    [0.3, 0.5],
    [0.7, 0.5],
    [0.3, 0.75],
    [0.7, 0.75],
  ],
  [
    [0.3, 0.25],
    [0.7, 0.25],
    [0.3, 0.5],
    [0.5, 0.5],
    [0.7, 0.5],
    [0.3, 0.75],
    [0.7, 0.75],
  ],
  [
    [0.3, 0.25],
    [0.5, 0.25],
    [0.7, 0.25],
    [0.3, 0.5],
    [0.7, 0.5],
    [0.3, 0.75],
    [0.5, 0.75],
    [0.7, 0.75],
  ],
  [
    [0.3, 0.25],
    [0.5, 0.25],
    [0.7, 0.25],
    [0.3, 0.5],
    [0.5, 0.5],
    [0.7, 0.5],
    [0.3, 0.75],
    [0.5, 0.75],
    [0.7, 0.75],
  ],
];

function drawX(ctx: SKRSContext2D, x: number, y: number): void {
  const m = CELL * 0.22;
  ctx.strokeStyle = '#1f5fbf';
  ctx.lineWidth = 4;
  ctx.beginPath();
  ctx.moveTo(x + m, y + m);
  ctx.lineTo(x + CELL - m, y + CELL - m);
  ctx.moveTo(x + CELL - m, y + m);
  ctx.lineTo(x + m, y + CELL - m);
  ctx.stroke();
}

function drawO(ctx: SKRSContext2D, x: number, y: number): void {
  ctx.strokeStyle = '#c0392b';
  ctx.lineWidth = 4;
  ctx.beginPath();
  ctx.arc(x + CELL / 2, y + CELL / 2, CELL * 0.3, 0, Math.PI * 2);
  ctx.stroke();
}

/**
 * Draws the board with the standard Canvas 2D API (so node-canvas could be swapped in): grid lines,
 * blue X, red O, and in each empty cell grey pips counting its action number 1–9.
 */
export class BoardPainter {
  private readonly canvas = createCanvas(FRAME_SIZE, FRAME_SIZE);
  private readonly ctx = this.canvas.getContext('2d');

  paint(board: Board): Image {
    const ctx = this.ctx;
    ctx.fillStyle = '#f7f3e8';
    ctx.fillRect(0, 0, FRAME_SIZE, FRAME_SIZE);
    ctx.strokeStyle = '#333333';
    ctx.lineWidth = 2;
    ctx.beginPath();
    for (let k = 1; k < 3; k++) {
      ctx.moveTo(k * CELL, 2);
      ctx.lineTo(k * CELL, FRAME_SIZE - 2);
      ctx.moveTo(2, k * CELL);
      ctx.lineTo(FRAME_SIZE - 2, k * CELL);
    }
    ctx.stroke();
    board.forEach((cell, i) => {
      const x = (i % 3) * CELL;
      const y = Math.floor(i / 3) * CELL;
      if (cell === 'X') drawX(ctx, x, y);
      else if (cell === 'O') drawO(ctx, x, y);
      else {
        ctx.fillStyle = '#9a9a9a';
        for (const [px, py] of PIPS[i]!) {
          ctx.beginPath();
          ctx.arc(x + px * CELL, y + py * CELL, 1.6, 0, Math.PI * 2);
          ctx.fill();
        }
      }
    });
    const { data } = ctx.getImageData(0, 0, FRAME_SIZE, FRAME_SIZE);
    return imageFromRgba(FRAME_SIZE, FRAME_SIZE, data);
  }
}
