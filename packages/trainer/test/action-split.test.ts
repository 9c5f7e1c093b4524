import { describe, expect, it } from 'vitest';
import { cotLogProb, splitThoughtAction, tokenWeights } from '../src/action-split.js';
import { CharTokenizer } from './fixtures/char-policy.js';

const tok = new CharTokenizer();

describe('splitThoughtAction', () => {
  it('starts the action at the token of the LAST "action": key, found from character offsets', () => {
    const text = '{"thoughts":"not "action": yet","action":"+"}';
    const ids = [...tok.encode(text), tok.eosId];
    const split = splitThoughtAction(ids, tok);
    expect(split.foundKey).toBe(true);
    expect(split.actionStart).toBe(text.lastIndexOf('"action":'));
    expect(tok.decode(ids.slice(split.actionStart))).toBe('"action":"+"}');
    expect(split.length).toBe(ids.length); // EOS belongs to the action
  });

  it('is case-insensitive and allows a space before the colon', () => {
    const text = '{"Action" : "-"}';
    expect(splitThoughtAction(tok.encode(text), tok).actionStart).toBe(1);
  });

  it('works with multi-character tokens (a token straddling the key starts the action)', () => {
    // Token 0 = '{"thoughts": "x", ', token 1 = '"act', token 2 = 'ion": "+"}'
    const pieces = ['{"thoughts": "x", ', '"act', 'ion": "+"}'];
    let at = 0;
    const offsets = pieces.map((p) => {
      const r: [number, number] = [at, at + p.length];
      at += p.length;
      return r;
    });
    const fake = { decodeWithOffsets: () => ({ text: pieces.join(''), offsets }) };
    expect(splitThoughtAction([7, 8, 9], fake).actionStart).toBe(1);
  });

  it('falls back to the last 5 tokens when there is no "action": key, or as configured', () => {
    const ids = tok.encode('i think plus');
    expect(splitThoughtAction(ids, tok)).toEqual({
      actionStart: ids.length - 5,
      length: ids.length,
      foundKey: false,
    });
    expect(splitThoughtAction(ids, tok, { fallback: 'allThought' }).actionStart).toBe(ids.length);
    expect(splitThoughtAction(ids, tok, { fallback: 'allAction' }).actionStart).toBe(0);
    expect(splitThoughtAction(tok.encode('ab'), tok).actionStart).toBe(0);
  });

  it('compat mode "lastTokens" ignores the key', () => {
    const ids = tok.encode('{"action":"+"}');
    expect(splitThoughtAction(ids, tok, { mode: 'lastTokens', lastTokens: 3 }).actionStart).toBe(
      ids.length - 3,
    );
  });

  it('rejects bad options with a clear message', () => {
    expect(() => splitThoughtAction([1], tok, { lastTokens: 0 })).toThrow(
      /lastTokens must be a positive integer/,
    );
    expect(() => splitThoughtAction([1], tok, { mode: 'x' as never })).toThrow(/Unknown split mode 'x'/);
  });
});

describe('CoT-weighted log-prob', () => {
  it('is λ·Σ thought + Σ action', () => {
    const split = { actionStart: 2, length: 4, foundKey: true };
    expect(cotLogProb([-1, -2, -0.5, -0.25], split, 0.5)).toBeCloseTo(0.5 * -3 + -0.75, 12);
    expect(tokenWeights(split, 0.5, 6)).toEqual([0.5, 0.5, 1, 1, 0, 0]);
  });
});
