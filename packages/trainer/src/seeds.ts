/**
 * Seeds derived from a run seed and counters, so that every random draw the trainer makes
 * (env resets, sampling, minibatch order) is a pure function of `(seed, update, …)`. This is
 * what makes resume exact without snapshotting generators mid-episode: a resumed run at
 * update `k` derives the same seeds an uninterrupted one would.
 */

/** Streams of randomness the trainer draws from; part of the derivation so they never collide. */
export const SeedStream = {
  envReset: 1,
  generation: 2,
  minibatch: 3,
  evaluation: 4,
  sftShuffle: 5,
  dataset: 6,
} as const;

function mix32(h: number): number {
  // murmur3's finaliser: a cheap, well-spread 32-bit mix.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A non-negative 31-bit seed from a sequence of integers, e.g.
 * `deriveSeed(runSeed, SeedStream.envReset, update, envIndex)`.
 */
export function deriveSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    if (!Number.isInteger(p)) throw new TypeError(`deriveSeed needs integers, got ${p}`);
    h = mix32((h ^ mix32((p | 0) ^ Math.floor(p / 2 ** 32))) + 0x9e3779b9);
  }
  return h >>> 1;
}
