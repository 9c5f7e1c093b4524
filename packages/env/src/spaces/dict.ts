import type { Rng } from '../rng.js';
import type { Space, SpaceJSON } from './space.js';

type Sampled<S extends Record<string, Space<unknown>>> = {
  [K in keyof S]: S[K] extends Space<infer T> ? T : never;
};

/**
 * A record of named sub-spaces, e.g. `{image: ImageSpace, state: Box}`.
 * Keys are sampled in sorted order so a seed gives the same sample whatever the insertion order.
 */
export class Dict<S extends Record<string, Space<unknown>>> implements Space<Sampled<S>> {
  readonly spaces: S;

  constructor(spaces: S) {
    if (Object.keys(spaces).length === 0) throw new RangeError('Dict needs at least one sub-space');
    this.spaces = spaces;
  }

  sample(rng: Rng): Sampled<S> {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(this.spaces).sort()) out[key] = this.spaces[key]!.sample(rng);
    return out as Sampled<S>;
  }

  contains(x: unknown): x is Sampled<S> {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
    const keys = Object.keys(x);
    if (keys.length !== Object.keys(this.spaces).length) return false;
    return keys.every((k) => k in this.spaces && this.spaces[k]!.contains((x as Record<string, unknown>)[k]));
  }

  toJSON(): SpaceJSON {
    const spaces: Record<string, SpaceJSON> = {};
    for (const key of Object.keys(this.spaces).sort()) spaces[key] = this.spaces[key]!.toJSON();
    return { type: 'Dict', spaces };
  }
}
