import type { Rng } from '@rl4vlm/env';

/** Clubs, diamonds, hearts, spades; D and H are red. */
export const SUITS = ['C', 'D', 'H', 'S'] as const;
export type Suit = (typeof SUITS)[number];

/** Rank letters by rank 1..13; `T` is 10, as in the original card file names. */
export const RANK_LETTERS = ['A', '2', '3', '4', '5', '6', '7', '8', '9', 'T', 'J', 'Q', 'K'] as const;
export type RankLetter = (typeof RANK_LETTERS)[number];

/** A playing card: rank 1 (ace) … 13 (king) and a suit. */
export interface Card {
  rank: number;
  suit: Suit;
}

/** The original's card code: suit then rank letter, e.g. `HK`, `D2`, `ST`. */
export function cardCode(card: Card): string {
  return `${card.suit}${rankLetter(card.rank)}`;
}

/** `A`, `2` … `9`, `T`, `J`, `Q`, `K`. */
export function rankLetter(rank: number): RankLetter {
  const letter = RANK_LETTERS[rank - 1];
  if (!letter) throw new RangeError(`Card rank must be 1..13, got ${rank}`);
  return letter;
}

/** What a card face shows in its corner: `10` for rank 10, otherwise the rank letter. */
export function rankLabel(rank: number): string {
  return rank === 10 ? '10' : rankLetter(rank);
}

/** Parses a card code such as `HK` or `ST`. */
export function parseCardCode(code: string): Card {
  const suit = code[0] as Suit;
  const rank = RANK_LETTERS.indexOf(code.slice(1) as RankLetter) + 1;
  if (!SUITS.includes(suit) || rank === 0 || code.length !== 2) {
    throw new RangeError(`Not a card code: '${code}' (expected a suit C/D/H/S then A,2-9,T,J,Q,K)`);
  }
  return { rank, suit };
}

export const isRed = (suit: Suit): boolean => suit === 'D' || suit === 'H';

/** A uniformly random suit. */
export const randomSuit = (rng: Rng): Suit => SUITS[rng.int(0, 3)]!;
