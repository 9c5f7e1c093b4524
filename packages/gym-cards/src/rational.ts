/**
 * An exact fraction `num / den` in lowest terms with `den > 0`.
 *
 * Formulas in EZPoints and Points24 use at most four card values of at most 13, so every
 * numerator and denominator stays far below 2^53 and plain numbers are exact.
 */
export interface Rational {
  readonly num: number;
  readonly den: number;
}

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** The fraction `num / den` in lowest terms; `den` must not be 0. */
export function rational(num: number, den = 1): Rational {
  if (den === 0) throw new RangeError('A rational cannot have denominator 0');
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den)) {
    throw new RangeError(`Rational parts must be safe integers, got ${num}/${den}`);
  }
  const g = gcd(num, den) || 1;
  const sign = den < 0 ? -1 : 1;
  // `+ 0` turns -0 into 0 so equal values compare equal with ===.
  return { num: (sign * num) / g + 0, den: (sign * den) / g };
}

export const add = (a: Rational, b: Rational): Rational =>
  rational(a.num * b.den + b.num * a.den, a.den * b.den);
export const sub = (a: Rational, b: Rational): Rational =>
  rational(a.num * b.den - b.num * a.den, a.den * b.den);
export const mul = (a: Rational, b: Rational): Rational => rational(a.num * b.num, a.den * b.den);
/** `a / b`, or `undefined` when `b` is zero. */
export const div = (a: Rational, b: Rational): Rational | undefined =>
  b.num === 0 ? undefined : rational(a.num * b.den, a.den * b.num);
export const neg = (a: Rational): Rational => rational(-a.num, a.den);

/** Exact equality. */
export const equals = (a: Rational, b: Rational): boolean => a.num === b.num && a.den === b.den;

/** `3`, `-1/2`. */
export const formatRational = (a: Rational): string => (a.den === 1 ? String(a.num) : `${a.num}/${a.den}`);
