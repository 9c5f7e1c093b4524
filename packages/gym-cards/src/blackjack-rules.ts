import type { Rng } from '@rl4vlm/env';
import { type Card, randomSuit } from './cards.js';

/**
 * Gymnasium `Blackjack-v1` rules (Sutton & Barto, Example 5.1): an infinite deck where the values
 * 1..9 each have probability 1/13 and 10 has 4/13; the dealer draws while below 17.
 */

/** Card values and their probabilities in the infinite deck. */
export const CARD_VALUE_PROBABILITIES: readonly (readonly [value: number, probability: number])[] = [
  [1, 1 / 13],
  [2, 1 / 13],
  [3, 1 / 13],
  [4, 1 / 13],
  [5, 1 / 13],
  [6, 1 / 13],
  [7, 1 / 13],
  [8, 1 / 13],
  [9, 1 / 13],
  [10, 4 / 13],
];

/** The blackjack value of a card: ace 1, picture cards 10. */
export const blackjackValue = (card: Card): number => Math.min(card.rank, 10);

/**
 * Draws a card from the infinite deck: rank uniform over A..K, so a value-10 card is a J, Q or K
 * with equal probability (the original never shows a `10` card in Blackjack; nor do we).
 */
export function drawBlackjackCard(rng: Rng): Card {
  const pick = rng.int(0, 12); // 0..8 → A..9, 9..12 → value 10
  const rank = pick < 9 ? pick + 1 : 11 + rng.int(0, 2);
  return { rank, suit: randomSuit(rng) };
}

/** Whether a hand of values has an ace that can count as 11 without busting. */
export function usableAce(values: readonly number[]): boolean {
  const sum = values.reduce((a, b) => a + b, 0);
  return values.includes(1) && sum + 10 <= 21;
}

/** The hand total, counting one ace as 11 when that does not bust. */
export function handTotal(values: readonly number[]): number {
  const sum = values.reduce((a, b) => a + b, 0);
  return usableAce(values) ? sum + 10 : sum;
}

export const isBust = (values: readonly number[]): boolean => handTotal(values) > 21;

/** The score compared at the end: the total, or 0 for a bust hand. */
export const handScore = (values: readonly number[]): number => (isBust(values) ? 0 : handTotal(values));

/** An ace and a ten-value card as the whole two-card hand. */
export const isNatural = (values: readonly number[]): boolean =>
  values.length === 2 && values.includes(1) && values.includes(10);

/** Blackjack-v1 options. */
export interface BlackjackRules {
  /** Pay 1.5 for a winning natural (when `sab` is false). */
  natural: boolean;
  /** Sutton & Barto: a player natural beats any dealer hand that is not a natural, and wins 1. */
  sab: boolean;
}

/** The reward for standing with `player` against the dealer's finished hand, per Blackjack-v1. */
export function settle(player: readonly number[], dealer: readonly number[], rules: BlackjackRules): number {
  const p = handScore(player);
  const d = handScore(dealer);
  let reward = Math.sign(p - d);
  if (rules.sab && isNatural(player) && !isNatural(dealer)) reward = 1;
  else if (!rules.sab && rules.natural && isNatural(player) && reward === 1) reward = 1.5;
  return reward;
}
