import type { Image } from '@rl4vlm/env';
import { z } from 'zod';
import { type Card, randomSuit } from '../cards.js';
import { renderEzPoints } from '../render/scenes.js';
import { PointsGameEnv } from './points-game.js';

/** EZPoints' kwargs. The deal is built around 12 (as the original's), so 12 is the only target. */
export const ezPointsKwargsSchema = z
  .object({
    targetPoints: z.literal(12, { message: 'EZPoints deals cards that make 12; targetPoints must be 12' }),
  })
  .strict();
export type EzPointsKwargs = z.infer<typeof ezPointsKwargsSchema>;

/** Action labels by id: numbers 1–10, then `+`, `*`, `=`. */
export const EZ_POINTS_ACTIONS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '+', '*', '='] as const;

/**
 * `gym-cards/EZPoints-v0`: build a formula equal to 12 from two cards with `+` and `*`.
 * Every deal is solvable by `a+b` or `a*b`. Rewards: +10 for a correct `=`, −1 for a wrong
 * `=`, an unavailable number, or a formula longer than 5 entries (truncation).
 */
export class EzPointsEnv extends PointsGameEnv {
  constructor(kwargs: Partial<EzPointsKwargs> = {}) {
    const { targetPoints } = ezPointsKwargsSchema.parse({ targetPoints: 12, ...kwargs });
    super({
      target: targetPoints,
      operators: ['+', '*'],
      parentheses: false,
      maxFormulaLength: 5,
      numberTokens: EZ_POINTS_ACTIONS.slice(0, 10),
      operatorTokens: ['+', '*'],
      cardCount: 2,
      cardValue: (c) => Math.min(c.rank, 10),
    });
  }

  /** As the original: card 1 is 2..K; card 2 makes 12 by product (half the time, when possible) or by sum. */
  protected deal(): Card[] {
    const rank1 = this.rng.int(2, 13);
    const value1 = Math.min(rank1, 10);
    const byProduct = [1, 2, 3, 4, 6].includes(value1) && this.rng.float() < 0.5;
    const value2 = byProduct ? Math.floor(12 / value1) : 12 - value1;
    const cards: Card[] = [
      { rank: rank1, suit: randomSuit(this.rng) },
      { rank: value2, suit: randomSuit(this.rng) },
    ];
    return this.rng.float() < 0.5 ? [cards[1]!, cards[0]!] : cards;
  }

  protected draw(cards: readonly Card[], formula: readonly string[]): Image {
    return renderEzPoints(cards, formula);
  }
}
