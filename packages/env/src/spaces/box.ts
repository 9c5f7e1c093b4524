import type { Rng } from '../rng.js';
import type { Space, SpaceJSON } from './space.js';

/** Integer vectors of a fixed length with every entry in [low, high]: symbolic state such as card values. */
export class Box implements Space<number[]> {
  readonly shape: number[];
  readonly low: number;
  readonly high: number;

  constructor(length: number, low: number, high: number) {
    if (!Number.isInteger(length) || length < 0 || !(low <= high)) {
      throw new RangeError(
        `Box needs a length >= 0 and low <= high, got length ${length}, [${low}, ${high}]`,
      );
    }
    this.shape = [length];
    this.low = low;
    this.high = high;
  }

  sample(rng: Rng): number[] {
    return Array.from({ length: this.shape[0]! }, () => rng.int(Math.ceil(this.low), Math.floor(this.high)));
  }

  contains(x: unknown): x is number[] {
    return (
      Array.isArray(x) &&
      x.length === this.shape[0] &&
      x.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= this.low && v <= this.high)
    );
  }

  toJSON(): SpaceJSON {
    return { type: 'Box', shape: [...this.shape], low: this.low, high: this.high };
  }
}
