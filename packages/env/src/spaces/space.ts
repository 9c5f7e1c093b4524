import type { Rng } from '../rng.js';

/** A JSON description of a space, e.g. for a plugin listing or a prompt. */
export type SpaceJSON =
  | { type: 'Discrete'; n: number; start: number; labels?: string[] }
  | { type: 'Text'; minLength: number; maxLength: number; charset?: string }
  | { type: 'Image'; height: number; width: number; channels: 3 }
  | { type: 'Box'; shape: number[]; low: number; high: number }
  | { type: 'Dict'; spaces: Record<string, SpaceJSON> };

/**
 * The set of valid actions or observations, as in Gymnasium.
 * `sample(rng)` draws a member with the given generator; `contains(x)` tests membership.
 */
export interface Space<T> {
  sample(rng: Rng): T;
  contains(x: unknown): x is T;
  toJSON(): SpaceJSON;
}
