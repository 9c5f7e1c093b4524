import { BaseEnv, type ResetOptions, type ResetResult, Rng } from '@rl4vlm/env';

/** murmur3's 32-bit finaliser: spreads nearby seeds (0, 1, 2, …) over the whole 32-bit range. */
function mixSeed(seed: number): number {
  let h = seed | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Draws discarded after seeding, so the generator leaves its low-entropy start. */
const WARM_UP_DRAWS = 32;

/**
 * A well-mixed generator for an episode seed. `new Rng(seed)` (xoroshiro128+ seeded from 32
 * bits) starts from a nearly-zero state: its first outputs for seeds 0, 1, 2, … are almost
 * identical (0xffffffff, 0xfffffffe, …), so the first card of every small seed was the same.
 * Mixing the seed and discarding the first draws fixes that.
 */
export function episodeRng(seed: number): Rng {
  const rng = new Rng(mixSeed(seed));
  for (let i = 0; i < WARM_UP_DRAWS; i++) rng.uint32();
  return rng;
}

/** {@link BaseEnv} whose `reset({seed})` seeds `this.rng` through {@link episodeRng}. */
export abstract class SeededEnv<Obs, Act> extends BaseEnv<Obs, Act> {
  override reset({ seed, options }: ResetOptions = {}): ResetResult<Obs> {
    if (seed !== undefined) {
      if (!Number.isInteger(seed)) throw new TypeError(`reset seed must be an integer, got ${seed}`);
      this.rng = episodeRng(seed);
    }
    return super.reset({ options });
  }
}
