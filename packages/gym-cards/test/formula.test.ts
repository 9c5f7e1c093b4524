import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateFormula, formatRational } from '../src/index.js';

const value = (tokens: string[]) => {
  const r = evaluateFormula(tokens);
  return r.ok ? formatRational(r.value) : r.error.kind;
};

describe('formula evaluation', () => {
  it('follows precedence, left associativity and parentheses', () => {
    expect(value(['2', '+', '3', '*', '4'])).toBe('14');
    expect(value(['(', '2', '+', '3', ')', '*', '4'])).toBe('20');
    expect(value(['8', '-', '3', '-', '2'])).toBe('3');
    expect(value(['8', '/', '4', '/', '2'])).toBe('1');
    expect(value(['1', '/', '3'])).toBe('1/3');
  });

  it('divides exactly: 8/(3-8/3) is exactly 24 (Python floats gave 23.999999999999986)', () => {
    expect(value(['8', '/', '(', '3', '-', '8', '/', '3', ')'])).toBe('24');
  });

  it('accepts unary signs and skips the spaces left by invalid actions', () => {
    expect(value(['-', '3', '+', '5'])).toBe('2');
    expect(value(['+', '(', '-', '2', ')', '*', '-', '6'])).toBe('12');
    expect(value(['10', ' ', '+', ' ', '2'])).toBe('12');
  });

  it('rejects what Python eval accepted: number concatenation, ** and //', () => {
    const concat = evaluateFormula(['1', '2']);
    expect(concat.ok).toBe(false);
    expect(!concat.ok && concat.error.message).toMatch(/do not concatenate/);
    expect(value(['1', ' ', '2'])).toBe('syntax');
    expect(value(['2', '*', '*', '3'])).toBe('syntax');
    expect(value(['8', '/', '/', '2'])).toBe('syntax');
  });

  it('reports syntax errors and division by zero', () => {
    expect(value([])).toBe('syntax');
    expect(value([' ', ' '])).toBe('syntax');
    expect(value(['3', '+'])).toBe('syntax');
    expect(value(['(', '3'])).toBe('syntax');
    expect(value(['3', ')'])).toBe('syntax');
    expect(value(['(', ')'])).toBe('syntax');
    expect(value(['4', '/', '(', '2', '-', '2', ')'])).toBe('division-by-zero');
    expect(value(['4', '^', '2'])).toBe('syntax');
  });

  it('agrees with exact rational arithmetic on random binary expressions', () => {
    type Tree = { n: number } | { op: '+' | '-' | '*' | '/'; l: Tree; r: Tree };
    const tree = fc.letrec<{ t: Tree }>((tie) => ({
      t: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.record({ n: fc.integer({ min: 1, max: 13 }) }),
        fc.record({ op: fc.constantFrom('+', '-', '*', '/'), l: tie('t'), r: tie('t') }),
      ),
    })).t;
    // Reference: evaluate with bigint fractions; tokens fully parenthesised.
    const evalRef = (t: Tree): [bigint, bigint] | undefined => {
      if ('n' in t) return [BigInt(t.n), 1n];
      const a = evalRef(t.l);
      const b = evalRef(t.r);
      if (!a || !b) return undefined;
      if (t.op === '+') return [a[0] * b[1] + b[0] * a[1], a[1] * b[1]];
      if (t.op === '-') return [a[0] * b[1] - b[0] * a[1], a[1] * b[1]];
      if (t.op === '*') return [a[0] * b[0], a[1] * b[1]];
      if (b[0] === 0n) return undefined;
      return [a[0] * b[1], a[1] * b[0]];
    };
    const tokens = (t: Tree): string[] =>
      'n' in t ? [String(t.n)] : ['(', ...tokens(t.l), t.op, ...tokens(t.r), ')'];
    const leaves = (t: Tree): number => ('n' in t ? 1 : leaves(t.l) + leaves(t.r));
    fc.assert(
      fc.property(
        tree.filter((t) => leaves(t) <= 5),
        (t) => {
          const ref = evalRef(t);
          const got = evaluateFormula(tokens(t));
          if (!ref) return !got.ok && got.error.kind === 'division-by-zero';
          if (!got.ok) return false;
          return BigInt(got.value.num) * ref[1] === ref[0] * BigInt(got.value.den);
        },
      ),
      { numRuns: 500 },
    );
  });
});
