import type { Image } from '@rl4vlm/env';
import { type Card, isRed, rankLabel, type Suit } from '../cards.js';
import type { Context2D } from './platform.js';
import { rasterize } from './raster.js';
import { drawText, textWidth } from './stroke-font.js';

/** The felt green of the card tables, as in the original. */
export const FELT = '#35654d';
const RED = '#c8102e';
const BLACK = '#161616';
const BACK_BLUE = '#22489a';

/** Adds a suit symbol of height `s` centred at (cx, cy) to the current path. */
function suitPath(ctx: Context2D, suit: Suit, cx: number, cy: number, s: number): void {
  const heart = (top: number, dir: 1 | -1) => {
    // A heart with its point toward `dir` (1: down).
    const y = (f: number) => top + dir * f * s;
    ctx.moveTo(cx, y(0.95));
    ctx.bezierCurveTo(cx - 0.15 * s, y(0.75), cx - 0.5 * s, y(0.55), cx - 0.5 * s, y(0.3));
    ctx.bezierCurveTo(cx - 0.5 * s, y(0.0), cx - 0.05 * s, y(0.0), cx, y(0.28));
    ctx.bezierCurveTo(cx + 0.05 * s, y(0.0), cx + 0.5 * s, y(0.0), cx + 0.5 * s, y(0.3));
    ctx.bezierCurveTo(cx + 0.5 * s, y(0.55), cx + 0.15 * s, y(0.75), cx, y(0.95));
    ctx.closePath();
  };
  const stem = () => {
    ctx.moveTo(cx, cy + 0.1 * s);
    ctx.lineTo(cx + 0.2 * s, cy + 0.5 * s);
    ctx.lineTo(cx - 0.2 * s, cy + 0.5 * s);
    ctx.closePath();
  };
  if (suit === 'H') heart(cy - 0.47 * s, 1);
  else if (suit === 'D') {
    ctx.moveTo(cx, cy - 0.5 * s);
    ctx.lineTo(cx + 0.38 * s, cy);
    ctx.lineTo(cx, cy + 0.5 * s);
    ctx.lineTo(cx - 0.38 * s, cy);
    ctx.closePath();
  } else if (suit === 'S') {
    heart(cy + 0.3 * s, -1);
    stem();
  } else {
    const r = 0.21 * s;
    for (const [dx, dy] of [
      [0, -0.25],
      [-0.23, 0.1],
      [0.23, 0.1],
    ] as const) {
      ctx.moveTo(cx + dx * s + r, cy + dy * s);
      ctx.arc(cx + dx * s, cy + dy * s, r, 0, 2 * Math.PI);
    }
    stem();
  }
}

function fillSuit(ctx: Context2D, suit: Suit, cx: number, cy: number, s: number): void {
  ctx.beginPath();
  suitPath(ctx, suit, cx, cy, s);
  ctx.fillStyle = isRed(suit) ? RED : BLACK;
  ctx.fill();
}

function roundedCard(ctx: Context2D, w: number, h: number, fill: string): void {
  ctx.fillStyle = FELT;
  ctx.fillRect(0, 0, w, h);
  ctx.beginPath();
  ctx.roundRect(0.5, 0.5, w - 1, h - 1, Math.max(2, w * 0.07));
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.lineWidth = 1;
  ctx.strokeStyle = '#7a7a7a';
  ctx.stroke();
}

/** Pip positions as (column, row) fractions of the pip area, for ranks 2..10. */
const PIPS: Record<number, readonly (readonly [number, number])[]> = {
  2: [
    [0.5, 0],
    [0.5, 1],
  ],
  3: [
    [0.5, 0],
    [0.5, 0.5],
    [0.5, 1],
  ],
  4: [
    [0, 0],
    [1, 0],
    [0, 1],
    [1, 1],
  ],
  5: [
    [0, 0],
    [1, 0],
    [0.5, 0.5],
    [0, 1],
    [1, 1],
  ],
  6: [
    [0, 0],
    [1, 0],
    [0, 0.5],
    [1, 0.5],
    [0, 1],
    [1, 1],
  ],
  7: [
    [0, 0],
    [1, 0],
    [0.5, 0.25],
    [0, 0.5],
    [1, 0.5],
    [0, 1],
    [1, 1],
  ],
  8: [
    [0, 0],
    [1, 0],
    [0.5, 0.25],
    [0, 0.5],
    [1, 0.5],
    [0.5, 0.75],
    [0, 1],
    [1, 1],
  ],
  9: [
    [0, 0],
    [1, 0],
    [0, 1 / 3],
    [1, 1 / 3],
    [0.5, 0.5],
    [0, 2 / 3],
    [1, 2 / 3],
    [0, 1],
    [1, 1],
  ],
  10: [
    [0, 0],
    [1, 0],
    [0.5, 1 / 6],
    [0, 1 / 3],
    [1, 1 / 3],
    [0, 2 / 3],
    [1, 2 / 3],
    [0.5, 5 / 6],
    [0, 1],
    [1, 1],
  ],
};

/**
 * Draws a card face of `w × h` px: rank and suit in two opposite corners, pips for A–10, and a
 * framed picture panel with the large letter for J, Q, K. Our own design, no copied art.
 */
export function drawCardFace(ctx: Context2D, card: Card, w: number, h: number): void {
  roundedCard(ctx, w, h, '#ffffff');
  const color = isRed(card.suit) ? RED : BLACK;
  const label = rankLabel(card.rank);
  const rankSize = Math.max(9, h * 0.17);
  const corner = (flip: boolean) => {
    ctx.save();
    if (flip) {
      ctx.translate(w, h);
      ctx.rotate(Math.PI);
    }
    const lw = textWidth(label, rankSize);
    const cx = Math.max(w * 0.12, lw / 2 + 1);
    drawText(ctx, label, cx - lw / 2, h * 0.03, rankSize, 'bold', color);
    fillSuit(ctx, card.suit, cx, h * 0.04 + rankSize * 1.12, rankSize * 0.62);
    ctx.restore();
  };
  corner(false);
  corner(true);
  const left = w * 0.32;
  const right = w * 0.68;
  const top = h * 0.2;
  const bottom = h * 0.8;
  if (card.rank === 1) {
    fillSuit(ctx, card.suit, w / 2, h / 2, h * 0.34);
  } else if (card.rank <= 10) {
    const pip = Math.min(h * 0.13, w * 0.18);
    for (const [c, r] of PIPS[card.rank]!) {
      fillSuit(ctx, card.suit, left + c * (right - left), top + pip / 2 + r * (bottom - top - pip), pip);
    }
  } else {
    const fx = w * 0.24;
    const fy = h * 0.17;
    ctx.fillStyle = isRed(card.suit) ? '#fbe3e1' : '#e4e8f2';
    ctx.fillRect(fx, fy, w - 2 * fx, h - 2 * fy);
    ctx.lineWidth = Math.max(1, w * 0.02);
    ctx.strokeStyle = color;
    ctx.strokeRect(fx, fy, w - 2 * fx, h - 2 * fy);
    const big = h * 0.36;
    const lw = textWidth(label, big);
    drawText(ctx, label, w / 2 - lw / 2, h / 2 - big * 0.55, big, 'bold', color);
    const small = h * 0.09;
    fillSuit(ctx, card.suit, fx + small * 0.75, fy + small * 0.75, small);
    fillSuit(ctx, card.suit, w - fx - small * 0.75, h - fy - small * 0.75, small);
  }
}

/** Draws the back of a card: a blue panel with a white border and a diagonal lattice. */
export function drawCardBack(ctx: Context2D, w: number, h: number): void {
  roundedCard(ctx, w, h, '#ffffff');
  const inset = Math.max(3, w * 0.07);
  ctx.fillStyle = BACK_BLUE;
  ctx.fillRect(inset, inset, w - 2 * inset, h - 2 * inset);
  ctx.save();
  ctx.beginPath();
  ctx.rect(inset, inset, w - 2 * inset, h - 2 * inset);
  ctx.clip();
  ctx.strokeStyle = '#6f8fd6';
  ctx.lineWidth = 1;
  const step = Math.max(5, w / 8);
  ctx.beginPath();
  for (let d = -h; d < w + h; d += step) {
    ctx.moveTo(d, 0);
    ctx.lineTo(d + h, h);
    ctx.moveTo(d, h);
    ctx.lineTo(d + h, 0);
  }
  ctx.stroke();
  ctx.restore();
}

const faces = new Map<string, Image>();

/** A card face as RGB pixels, drawn once per card and size and then served from a cache. */
export function cardFaceImage(card: Card, w: number, h: number): Image {
  const key = `${card.suit}${card.rank}@${w}x${h}`;
  let img = faces.get(key);
  if (!img) {
    img = rasterize(w, h, (ctx) => drawCardFace(ctx, card, w, h));
    faces.set(key, img);
  }
  return img;
}

/** The card back as RGB pixels, cached per size. */
export function cardBackImage(w: number, h: number): Image {
  const key = `back@${w}x${h}`;
  let img = faces.get(key);
  if (!img) {
    img = rasterize(w, h, (ctx) => drawCardBack(ctx, w, h));
    faces.set(key, img);
  }
  return img;
}
