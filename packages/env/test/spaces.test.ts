import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Box, Dict, Discrete, ImageSpace, Rng, Text } from '../src/index.js';

const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

describe('spaces', () => {
  it('Discrete samples members, labels map both ways, and rejects non-members', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: -5, max: 5 }), seed, (n, start, s) => {
        const space = new Discrete(n, { start });
        const rng = new Rng(s);
        for (let i = 0; i < 10; i++) expect(space.contains(space.sample(rng))).toBe(true);
        expect(space.contains(start - 1)).toBe(false);
        expect(space.contains(start + n)).toBe(false);
        expect(space.contains(start + 0.5)).toBe(false);
        expect(space.contains(String(start))).toBe(false);
      }),
    );
    const moves = new Discrete(2, { labels: ['-', '+'] });
    expect(moves.label(1)).toBe('+');
    expect(moves.indexOf('-')).toBe(0);
    expect(moves.indexOf('x')).toBeUndefined();
    expect(moves.toJSON()).toEqual({ type: 'Discrete', n: 2, start: 0, labels: ['-', '+'] });
    expect(() => new Discrete(2, { labels: ['a'] })).toThrow(/one per action/);
    expect(() => new Discrete(0)).toThrow(/positive integer/);
  });

  it('Text samples strings within its length and charset', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 20 }), seed, (min, extra, s) => {
        const space = new Text({ minLength: min, maxLength: min + extra, charset: 'abc' });
        const x = space.sample(new Rng(s));
        expect(space.contains(x)).toBe(true);
        expect(space.contains('d'.repeat(Math.max(1, min)))).toBe(false);
      }),
    );
    expect(new Text({ maxLength: 3 }).contains('abcd')).toBe(false);
    expect(new Text({ maxLength: 10, charset: '' }).contains('ü→∞')).toBe(true);
  });

  it('ImageSpace samples images of its size only', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 16 }), seed, (h, w, s) => {
        const space = new ImageSpace(h, w);
        const img = space.sample(new Rng(s));
        expect(space.contains(img)).toBe(true);
        expect(space.contains({ ...img, width: w + 1 })).toBe(false);
        expect(space.contains({ width: w, height: h, data: new Uint8Array(h * w * 4) })).toBe(false);
      }),
    );
  });

  it('Box and Dict contain their samples; Dict sampling does not depend on key order', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const a = new Dict({ state: new Box(3, 0, 9), move: new Discrete(4) });
        const b = new Dict({ move: new Discrete(4), state: new Box(3, 0, 9) });
        const x = a.sample(new Rng(s));
        expect(a.contains(x)).toBe(true);
        expect(b.sample(new Rng(s))).toEqual(x);
        expect(a.contains({ ...x, extra: 1 })).toBe(false);
        expect(a.contains({ state: [10, 0, 0], move: 0 })).toBe(false);
      }),
    );
  });

  it('describes itself as JSON', () => {
    const space = new Dict({ image: new ImageSpace(300, 300), action: new Discrete(3) });
    expect(JSON.parse(JSON.stringify(space.toJSON()))).toEqual({
      type: 'Dict',
      spaces: {
        action: { type: 'Discrete', n: 3, start: 0 },
        image: { type: 'Image', height: 300, width: 300, channels: 3 },
      },
    });
  });
});
