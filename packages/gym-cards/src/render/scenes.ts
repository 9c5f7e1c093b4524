import type { Image } from '@rl4vlm/env';
import type { Card } from '../cards.js';
import { cardBackImage, cardFaceImage, FELT } from './card-art.js';
import { blit, copyImage, hexToRgb, type Rgb, solidImage } from './raster.js';
import { textWidth } from './stroke-font.js';
import { paintText } from './text-painter.js';

/** Every observation is 300×300 RGB, as in the original. */
export const FRAME_SIZE = 300;

const WHITE: Rgb = [255, 255, 255];
const BLACK: Rgb = [0, 0, 0];
const FELT_RGB = hexToRgb(FELT);
const whiteFrame = solidImage(FRAME_SIZE, FRAME_SIZE, WHITE);
const feltFrame = solidImage(FRAME_SIZE, FRAME_SIZE, FELT_RGB);

const fresh = copyImage;

/**
 * Recently used backgrounds of a frame: what stays fixed during an episode (cards on the felt,
 * labels) is composed once; each step copies it and adds only what changed.
 */
const bases = new Map<string, Image>();
function base(key: string, compose: () => Image): Image {
  let img = bases.get(key);
  if (img) {
    bases.delete(key); // re-insert: most recently used last
  } else {
    img = compose();
    if (bases.size >= 256) bases.delete(bases.keys().next().value!);
  }
  bases.set(key, img);
  return img;
}

const cardKey = (cards: readonly Card[]) => cards.map((c) => `${c.suit}${c.rank}`).join(',');

const numberLineFrames = new Map<string, Image>();

/**
 * NumberLine: `Target: g` at (30, 60) and `Current: p` at (30, 180), bold size 36, black on
 * white. There are only (maxPosition + 1)² frames, so each is drawn once and then copied.
 */
export function renderNumberLine(target: number, position: number): Image {
  const key = `${target}|${position}`;
  let frame = numberLineFrames.get(key);
  if (!frame) {
    frame = drawNumberLine(target, position);
    if (numberLineFrames.size >= 1024) numberLineFrames.clear();
    numberLineFrames.set(key, frame);
  }
  return fresh(frame);
}

function drawNumberLine(target: number, position: number): Image {
  const img = fresh(whiteFrame);
  paintText(img, `Target: ${target}`, 30, 60, 36, 'bold', BLACK, WHITE);
  paintText(img, `Current: ${position}`, 30, 180, 36, 'bold', BLACK, WHITE);
  return img;
}

/** Splits space-joined tokens into lines no wider than `maxWidth` px. */
function wrapTokens(tokens: readonly string[], first: string, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = first;
  for (const token of tokens) {
    const candidate = line === '' ? token : `${line} ${token}`;
    if (line !== '' && textWidth(candidate, size) > maxWidth) {
      lines.push(line);
      line = token;
    } else line = candidate;
  }
  lines.push(line);
  return lines;
}

/**
 * EZPoints: two 135×189 cards at x = 5 and 153, y = 55; `Formula: <tokens>` at (10, 258), size 20.
 * A formula too long for one line continues below it (the original ran off the canvas).
 */
export function renderEzPoints(cards: readonly Card[], formula: readonly string[]): Image {
  const background = base(`ez|${cardKey(cards)}`, () => {
    const img = fresh(feltFrame);
    for (const [i, card] of cards.entries()) blit(img, cardFaceImage(card, 135, 189), i === 0 ? 5 : 153, 55);
    return img;
  });
  const img = fresh(background);
  const lines = wrapTokens(formula, 'Formula:', 20, FRAME_SIZE - 15);
  for (const [i, line] of lines.entries())
    paintText(img, line, 10, 258 + 20 * i, 20, 'regular', WHITE, FELT_RGB);
  return img;
}

/**
 * Points24: four 67×93 cards at x = 5, 78, 152, 226, y = 103; `Formula:` at (10, 210) and the
 * tokens at (10, 240), size 16; a long formula wraps to a second line.
 */
export function renderPoints24(cards: readonly Card[], formula: readonly string[]): Image {
  const background = base(`p24|${cardKey(cards)}`, () => {
    const img = fresh(feltFrame);
    const xs = [5, 78, 152, 226];
    for (const [i, card] of cards.entries()) blit(img, cardFaceImage(card, 67, 93), xs[i]!, 103);
    paintText(img, 'Formula:', 10, 210, 16, 'regular', WHITE, FELT_RGB);
    return img;
  });
  const img = fresh(background);
  const lines = wrapTokens(formula, '', 16, FRAME_SIZE - 15);
  for (const [i, line] of lines.entries())
    paintText(img, line, 10, 240 + 20 * i, 16, 'regular', WHITE, FELT_RGB);
  return img;
}

/** Left edges of `n` cards of width `w` in a row that starts at x0 and must end by `right`: 74 px apart, closer when needed. */
export function cardRowPositions(n: number, w: number, x0: number, right: number, pitch = 74): number[] {
  const step = n > 1 ? Math.min(pitch, (right - x0 - w) / (n - 1)) : pitch;
  return Array.from({ length: n }, (_, i) => Math.round(x0 + i * step));
}

/**
 * Blackjack: `Dealer` at (5, 5) and `Player` at (5, 130), bold size 16; the dealer's up-card
 * (70×98) at (5, 25) and a card back for the hole card at (78, 25); player cards from (5, 150),
 * 74 px apart. From the fifth card on they overlap so that every card stays inside the image,
 * each showing its rank corner (the original drew the fifth card off-canvas).
 */
export function renderBlackjack(dealerUp: Card, player: readonly Card[]): Image {
  const background = base(`bj|${cardKey([dealerUp])}`, () => {
    const img = fresh(feltFrame);
    paintText(img, 'Dealer', 5, 5, 16, 'bold', WHITE, FELT_RGB);
    paintText(img, 'Player', 5, 130, 16, 'bold', WHITE, FELT_RGB);
    blit(img, cardFaceImage(dealerUp, 70, 98), 5, 25);
    blit(img, cardBackImage(70, 98), 78, 25);
    return img;
  });
  const img = fresh(background);
  const xs = cardRowPositions(player.length, 70, 5, FRAME_SIZE - 3);
  for (const [i, card] of player.entries()) blit(img, cardFaceImage(card, 70, 98), xs[i]!, 150);
  return img;
}
