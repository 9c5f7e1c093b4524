import { type RandomGenerator, xoroshiro128plus } from 'pure-rand';

/** A serialisable snapshot of an {@link Rng}: store it in a checkpoint, restore with {@link Rng.fromState}. */
export interface RngState {
  algorithm: 'xoroshiro128plus';
  state: number[];
}

/**
 * A seeded pseudo-random generator (xoroshiro128+ from `pure-rand`).
 *
 * Every env owns one; every random draw an env makes comes from it, so `reset({seed})`
 * reproduces an episode exactly. The state can be saved and restored for exact resume.
 *
 * @example
 * const rng = new Rng(42);
 * rng.int(1, 6); // a die roll, the same for every Rng(42)
 */
export class Rng {
  private gen: RandomGenerator;

  constructor(seed: number = randomSeed()) {
    if (!Number.isInteger(seed)) throw new TypeError(`Rng seed must be an integer, got ${seed}`);
    // xoroshiro128+ seeded with pure-rand's `xoroshiro128plus(seed)` starts from a nearly-zero
    // state, so seeds 0, 1, 2, … give almost the same first outputs. Spread the seed over all
    // 128 bits of state with splitmix32 instead.
    const next = splitmix32(seed | 0);
    this.gen = xoroshiro128plus.fromState([next(), next(), next(), next()]);
  }

  /** Restores a generator from {@link Rng.getState}. */
  static fromState(state: RngState): Rng {
    if (state?.algorithm !== 'xoroshiro128plus' || !Array.isArray(state.state)) {
      throw new TypeError(`Not an Rng state: expected {algorithm: 'xoroshiro128plus', state: number[]}`);
    }
    const rng = new Rng(0);
    rng.gen = xoroshiro128plus.fromState(state.state);
    return rng;
  }

  /** A snapshot of the generator; drawing from it later does not change the snapshot. */
  getState(): RngState {
    return { algorithm: 'xoroshiro128plus', state: [...this.gen.getState()] };
  }

  /** A uniformly random 32-bit unsigned integer. */
  uint32(): number {
    return this.gen.unsafeNext() >>> 0;
  }

  /** A uniform float in [0, 1) with 53 bits of precision. */
  float(): number {
    const hi = this.uint32() >>> 5; // 27 bits
    const lo = this.uint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform integer in [min, max], both inclusive (unbiased, by rejection). */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`Rng.int needs integers min <= max, got [${min}, ${max}]`);
    }
    const range = max - min + 1;
    if (range > 2 ** 32) throw new RangeError(`Rng.int range too large: ${range} > 2^32`);
    const limit = 2 ** 32 - (2 ** 32 % range);
    let x = this.uint32();
    while (x >= limit) x = this.uint32();
    return min + (x % range);
  }

  /** A uniformly chosen element of a non-empty array. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.choice needs a non-empty array');
    return items[this.int(0, items.length - 1)]!;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  /** A fresh 31-bit seed drawn from this generator, e.g. to seed a child generator. */
  seed(): number {
    return this.uint32() >>> 1;
  }
}

/** splitmix32: a well-mixed stream of 32-bit words from one 32-bit seed, used to fill the generator's state. */
function splitmix32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) | 0;
  };
}

/** A seed from the system's entropy, for when the user gives none (as Gymnasium does). */
export function randomSeed(): number {
  const buf = new Uint32Array(1);
  globalThis.crypto.getRandomValues(buf);
  return buf[0]! >>> 1;
}

/**
 * Per-env seeds derived from one seed, as Gymnasium's vector envs do (`seed + i`),
 * so env `i` of a vector replays the same episodes as a single env seeded `seed + i`.
 */
export function deriveSeeds(seed: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => seed + i);
}
