/** Small statistics helpers over plain arrays (float64). */

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Population variance (divides by n), as numpy's default. */
export function variance(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return s / xs.length;
}

/** Sample standard deviation (divides by n − 1), as torch's `std()` that RL4VLM normalises with. */
export function sampleStd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  return Math.sqrt((variance(xs) * xs.length) / (xs.length - 1));
}

/**
 * 1 − Var(returns − values) / Var(returns): how much of the return the value head explains
 * (1 is perfect, 0 is no better than a constant, negative is worse). NaN when returns are constant.
 */
export function explainedVariance(values: readonly number[], returns: readonly number[]): number {
  const varR = variance(returns);
  if (!(varR > 0)) return Number.NaN;
  return 1 - variance(returns.map((r, i) => r - values[i]!)) / varR;
}

/** (x − mean) / (std + eps) with the sample std, as RL4VLM normalises advantages over a rollout. */
export function normalize(xs: readonly number[], eps = 1e-5): number[] {
  const m = mean(xs);
  const s = sampleStd(xs);
  return xs.map((x) => (x - m) / (s + eps));
}

/**
 * Wilson score interval for a binomial proportion: `successes` of `n` at the given z
 * (1.96 → 95%). Well-behaved at 0 and n, unlike the normal approximation.
 */
export function wilsonInterval(successes: number, n: number, z = 1.96): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
