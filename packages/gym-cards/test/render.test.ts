import { decodePng, encodePng, type Image } from '@rl4vlm/env';
import { describe, expect, it } from 'vitest';
import {
  type Card,
  renderBlackjack,
  renderEzPoints,
  renderNumberLine,
  renderPoints24,
} from '../src/index.js';
import { cardRowPositions } from '../src/render/scenes.js';

const pixel = (img: Image, x: number, y: number) => [
  ...img.data.subarray(3 * (y * img.width + x), 3 * (y * img.width + x) + 3),
];
const FELT = [0x35, 0x65, 0x4d];

/** Fraction of pixels in a rectangle that differ from `bg`. */
function ink(img: Image, x0: number, y0: number, w: number, h: number, bg: number[]): number {
  let n = 0;
  for (let y = y0; y < y0 + h; y++)
    for (let x = x0; x < x0 + w; x++) if (pixel(img, x, y).join() !== bg.join()) n++;
  return n / (w * h);
}

describe('rendering', () => {
  it('NumberLine: black text on white in the two text rows, white elsewhere; different numbers differ', () => {
    const img = renderNumberLine(3, 1);
    expect([img.width, img.height]).toEqual([300, 300]);
    expect(pixel(img, 5, 5)).toEqual([255, 255, 255]);
    expect(ink(img, 30, 60, 240, 45, [255, 255, 255])).toBeGreaterThan(0.05);
    expect(ink(img, 30, 180, 240, 45, [255, 255, 255])).toBeGreaterThan(0.05);
    expect(ink(img, 0, 120, 300, 50, [255, 255, 255])).toBe(0);
    expect(Buffer.compare(renderNumberLine(3, 1).data, renderNumberLine(3, 2).data)).not.toBe(0);
  });

  it('EZPoints and Points24: cards at the original positions on felt, formula text below', () => {
    const cards: Card[] = [
      { rank: 12, suit: 'H' },
      { rank: 2, suit: 'S' },
      { rank: 1, suit: 'D' },
      { rank: 10, suit: 'C' },
    ];
    const ez = renderEzPoints(cards.slice(0, 2), ['10', '+']);
    expect(pixel(ez, 2, 2)).toEqual(FELT);
    expect(pixel(ez, 70, 140)).not.toEqual(FELT); // inside card 1 (5..140, 55..244)
    expect(pixel(ez, 147, 140)).toEqual(FELT); // the gap between the cards
    expect(ink(ez, 10, 258, 200, 20, FELT)).toBeGreaterThan(0.03);
    const p24 = renderPoints24(cards, ['(', '1', '+']);
    for (const x of [5, 78, 152, 226]) expect(pixel(p24, x + 33, 103 + 46)).not.toEqual(FELT);
    expect(ink(p24, 10, 240, 100, 18, FELT)).toBeGreaterThan(0.02);
    // Red suits are red: the queen of hearts has clearly red pixels, the two of spades none.
    const reddish = (img: Image, x0: number, x1: number) => {
      let n = 0;
      for (let y = 55; y < 244; y++)
        for (let x = x0; x < x1; x++) {
          const [r, g, b] = pixel(img, x, y);
          if (r! > 150 && g! < 80 && b! < 80) n++;
        }
      return n;
    };
    expect(reddish(ez, 5, 140)).toBeGreaterThan(100);
    expect(reddish(ez, 153, 288)).toBe(0);
  });

  it('Blackjack: every card of a long hand lies inside the image and each shows its rank corner', () => {
    for (let n = 2; n <= 12; n++) {
      const xs = cardRowPositions(n, 70, 5, 297);
      expect(xs[0]).toBe(5);
      expect(xs.at(-1)! + 70).toBeLessThanOrEqual(297);
      for (let i = 1; i < n; i++) expect(xs[i]! - xs[i - 1]!).toBeGreaterThanOrEqual(n <= 4 ? 74 : 20);
    }
    const hand: Card[] = Array.from({ length: 11 }, (_, i) => ({ rank: (i % 4) + 1, suit: 'S' }));
    const img = renderBlackjack({ rank: 9, suit: 'D' }, hand);
    // The right end of the row holds the last card, not felt.
    expect(pixel(img, 280, 200)).not.toEqual(FELT);
    expect(pixel(img, 298, 200)).toEqual(FELT);
    // The hole card is a back (blue), not a face.
    const [r, g, b] = pixel(img, 113, 74);
    expect(b! > r! && b! > g!).toBe(true);
  });

  it('round-trips through PNG', () => {
    const img = renderBlackjack({ rank: 1, suit: 'H' }, [
      { rank: 13, suit: 'C' },
      { rank: 5, suit: 'D' },
    ]);
    expect(Buffer.compare(decodePng(encodePng(img)).data, img.data)).toBe(0);
  });
});
