import type { Rng } from '../rng.js';
import type { Space, SpaceJSON } from './space.js';

const DEFAULT_CHARSET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ';

/** Strings of `minLength`–`maxLength` characters drawn from `charset` (or any characters if `charset` is empty). */
export class Text implements Space<string> {
  readonly minLength: number;
  readonly maxLength: number;
  readonly charset: string;

  constructor({
    minLength = 0,
    maxLength,
    charset = DEFAULT_CHARSET,
  }: { minLength?: number; maxLength: number; charset?: string }) {
    if (
      !Number.isInteger(maxLength) ||
      maxLength < 0 ||
      !Number.isInteger(minLength) ||
      minLength < 0 ||
      minLength > maxLength
    ) {
      throw new RangeError(`Text needs integers 0 <= minLength <= maxLength, got ${minLength}..${maxLength}`);
    }
    this.minLength = minLength;
    this.maxLength = maxLength;
    this.charset = charset;
  }

  sample(rng: Rng): string {
    const chars = [...(this.charset || DEFAULT_CHARSET)];
    const len = rng.int(this.minLength, this.maxLength);
    let s = '';
    for (let i = 0; i < len; i++) s += rng.choice(chars);
    return s;
  }

  contains(x: unknown): x is string {
    if (typeof x !== 'string') return false;
    const chars = [...x];
    if (chars.length < this.minLength || chars.length > this.maxLength) return false;
    return this.charset === '' || chars.every((c) => this.charset.includes(c));
  }

  toJSON(): SpaceJSON {
    return {
      type: 'Text',
      minLength: this.minLength,
      maxLength: this.maxLength,
      ...(this.charset ? { charset: this.charset } : {}),
    };
  }
}
