import type { Rng } from '../rng.js';
import type { Space, SpaceJSON } from './space.js';

/**
 * The integers `start, …, start + n - 1`, optionally with a text label for each
 * (the words a VLM uses for the action, e.g. `['-', '+']`).
 *
 * @example
 * const moves = new Discrete(2, { labels: ['-', '+'] });
 * moves.label(1); // '+'
 * moves.indexOf('+'); // 1
 */
export class Discrete implements Space<number> {
  readonly n: number;
  readonly start: number;
  readonly labels?: readonly string[];

  constructor(n: number, { start = 0, labels }: { start?: number; labels?: readonly string[] } = {}) {
    if (!Number.isInteger(n) || n <= 0)
      throw new RangeError(`Discrete(n) needs a positive integer n, got ${n}`);
    if (!Number.isInteger(start)) throw new RangeError(`Discrete start must be an integer, got ${start}`);
    if (labels !== undefined) {
      if (labels.length !== n)
        throw new RangeError(`Discrete(${n}) got ${labels.length} labels; give one per action`);
      if (new Set(labels).size !== labels.length)
        throw new RangeError(`Discrete labels must be distinct: ${labels.join(', ')}`);
    }
    this.n = n;
    this.start = start;
    this.labels = labels ? [...labels] : undefined;
  }

  sample(rng: Rng): number {
    return this.start + rng.int(0, this.n - 1);
  }

  contains(x: unknown): x is number {
    return typeof x === 'number' && Number.isInteger(x) && x >= this.start && x < this.start + this.n;
  }

  /** The label of action `a` (or its number as text when the space has no labels). */
  label(a: number): string {
    if (!this.contains(a))
      throw new RangeError(`Action ${a} is not in Discrete(${this.n}, start=${this.start})`);
    return this.labels ? this.labels[a - this.start]! : String(a);
  }

  /** The action whose label is `label`, or `undefined`. */
  indexOf(label: string): number | undefined {
    const i = this.labels ? this.labels.indexOf(label) : Number.NaN;
    return i >= 0 ? this.start + i : undefined;
  }

  toJSON(): SpaceJSON {
    return {
      type: 'Discrete',
      n: this.n,
      start: this.start,
      ...(this.labels ? { labels: [...this.labels] } : {}),
    };
  }
}
