import type { Image } from '@rl4vlm/env';
import { z } from 'zod';
import { type Card, randomSuit } from '../cards.js';
import { renderPoints24 } from '../render/scenes.js';
import { PointsGameEnv } from './points-game.js';

/** Points24's kwargs, as the original's `treat_face_cards_as_10` and `target_points`. */
export const points24KwargsSchema = z
  .object({
    treatFaceCardsAs10: z.boolean(),
    targetPoints: z.number().int().min(1).max(1000),
  })
  .strict();
export type Points24Kwargs = z.infer<typeof points24KwargsSchema>;

const OPERATORS = ['+', '-', '*', '/', '(', ')'] as const;

/** Action labels: numbers 1–10 (1–13 when face cards keep their rank), then `+ - * / ( ) =`. */
export function points24Actions(treatFaceCardsAs10 = true): string[] {
  const top = treatFaceCardsAs10 ? 10 : 13;
  return [...Array.from({ length: top }, (_, i) => String(i + 1)), ...OPERATORS, '='];
}

/**
 * `gym-cards/Points24-v0`: build a formula equal to 24 from four random cards with
 * `+ - * / ( )`. Deals are not filtered: about 73% are solvable. Rewards: +10 for a correct
 * `=` using all four cards, −1 for a wrong `=`, an unavailable number, or a formula longer
 * than 20 entries (truncation).
 */
export class Points24Env extends PointsGameEnv {
  readonly treatFaceCardsAs10: boolean;

  constructor(kwargs: Partial<Points24Kwargs> = {}) {
    const { treatFaceCardsAs10, targetPoints } = points24KwargsSchema.parse({
      treatFaceCardsAs10: true,
      targetPoints: 24,
      ...kwargs,
    });
    const labels = points24Actions(treatFaceCardsAs10);
    super({
      target: targetPoints,
      operators: ['+', '-', '*', '/'],
      parentheses: true,
      maxFormulaLength: 20,
      numberTokens: labels.slice(0, treatFaceCardsAs10 ? 10 : 13),
      operatorTokens: OPERATORS,
      cardCount: 4,
      cardValue: treatFaceCardsAs10 ? (c) => Math.min(c.rank, 10) : (c) => c.rank,
    });
    this.treatFaceCardsAs10 = treatFaceCardsAs10;
  }

  protected deal(): Card[] {
    return Array.from({ length: 4 }, () => ({ rank: this.rng.int(1, 13), suit: randomSuit(this.rng) }));
  }

  protected draw(cards: readonly Card[], formula: readonly string[]): Image {
    return renderPoints24(cards, formula);
  }
}
