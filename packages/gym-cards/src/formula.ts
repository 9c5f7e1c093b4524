import { add, div, mul, neg, type Rational, rational, sub } from './rational.js';

/**
 * A formula as the points games store it: one entry per accepted action, e.g.
 * `['(', '10', '-', '4', ')', '*', '4']`. An invalid card choice leaves a single space `' '`.
 */
export type Formula = readonly string[];

/** Why a formula has no value. */
export type FormulaError =
  | { kind: 'syntax'; message: string }
  | { kind: 'division-by-zero'; message: string };

/** The value of a formula, or why it has none. */
export type FormulaValue = { ok: true; value: Rational } | { ok: false; error: FormulaError };

class FormulaSyntaxError extends Error {}
class DivisionByZero extends Error {}

const NUMBER = /^\d+$/;

/**
 * Evaluates a points-game formula exactly, with a recursive-descent parser of this grammar:
 *
 * ```
 * expr   := term (('+' | '-') term)*
 * term   := factor (('*' | '/') factor)*
 * factor := ('+' | '-') factor | NUMBER | '(' expr ')'
 * ```
 *
 * Space entries (left by invalid actions) are skipped, as whitespace is in Python.
 * Unlike the original's Python `eval`, two adjacent numbers are a syntax error (no
 * concatenation such as `1` `2` → 12), `**` and `//` are syntax errors, and `/` is exact
 * rational division, so `8/(3-8/3)` is exactly 24.
 */
export function evaluateFormula(formula: Formula): FormulaValue {
  const tokens = formula.filter((t) => t.trim() !== '');
  for (const t of tokens) {
    if (!NUMBER.test(t) && !'+-*/()'.includes(t)) {
      return { ok: false, error: { kind: 'syntax', message: `unknown token '${t}'` } };
    }
  }
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];

  const expr = (): Rational => {
    let value = term();
    for (let t = peek(); t === '+' || t === '-'; t = peek()) {
      pos++;
      const rhs = term();
      value = t === '+' ? add(value, rhs) : sub(value, rhs);
    }
    return value;
  };
  const term = (): Rational => {
    let value = factor();
    for (let t = peek(); t === '*' || t === '/'; t = peek()) {
      pos++;
      const rhs = factor();
      if (t === '*') value = mul(value, rhs);
      else {
        const q = div(value, rhs);
        if (!q) throw new DivisionByZero('division by zero');
        value = q;
      }
    }
    return value;
  };
  const factor = (): Rational => {
    const t = peek();
    if (t === undefined) throw new FormulaSyntaxError('the formula ends where a number or "(" is expected');
    pos++;
    if (t === '+') return factor();
    if (t === '-') return neg(factor());
    if (t === '(') {
      const value = expr();
      if (peek() !== ')') throw new FormulaSyntaxError(`expected ")" at token ${pos + 1}`);
      pos++;
      return value;
    }
    if (NUMBER.test(t)) return rational(Number(t));
    throw new FormulaSyntaxError(`unexpected '${t}' at token ${pos}`);
  };

  try {
    if (tokens.length === 0) throw new FormulaSyntaxError('the formula is empty');
    const value = expr();
    if (pos < tokens.length) {
      throw new FormulaSyntaxError(
        NUMBER.test(tokens[pos]!) && NUMBER.test(tokens[pos - 1] ?? '')
          ? `two numbers in a row ('${tokens[pos - 1]}' '${tokens[pos]}'): numbers do not concatenate`
          : `unexpected '${tokens[pos]}' at token ${pos + 1}`,
      );
    }
    return { ok: true, value };
  } catch (e) {
    if (e instanceof DivisionByZero)
      return { ok: false, error: { kind: 'division-by-zero', message: e.message } };
    if (e instanceof FormulaSyntaxError) return { ok: false, error: { kind: 'syntax', message: e.message } };
    throw e;
  }
}
