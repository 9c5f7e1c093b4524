/** Per-group statistics over flat arrays: the building block of every group-relative advantage. */

/** Mean, standard deviation and size of the group each element belongs to. */
export interface GroupStats {
  /** Mean of the element's group, per element. */
  mean: number[];
  /** Standard deviation of the element's group, per element (see `std` option). */
  std: number[];
  /** How many elements the element's group has, per element. */
  size: number[];
  /** max − min of the element's group, per element: exactly 0 when all its values are equal. */
  spread: number[];
  /** Distinct groups, in order of first appearance. */
  groups: number;
}

/**
 * Mean, std and size of each element's group, where `groupIds[i]` names the group of `values[i]`
 * (any string or number; groups need not be contiguous).
 *
 * `std` is `'sample'` (divides by n − 1, torch's `std()`, which GRPO/GiGPO's reference code uses)
 * or `'population'` (divides by n). A group of one has std 0 either way: nothing varies.
 */
export function groupStats(
  values: readonly number[],
  groupIds: readonly (string | number)[],
  { std = 'sample' }: { std?: 'sample' | 'population' } = {},
): GroupStats {
  if (values.length !== groupIds.length)
    throw new RangeError(`groupStats: ${values.length} values but ${groupIds.length} group ids`);
  const members = new Map<string | number, number[]>();
  groupIds.forEach((g, i) => {
    const list = members.get(g);
    if (list) list.push(i);
    else members.set(g, [i]);
  });
  const out: GroupStats = {
    mean: new Array<number>(values.length).fill(0),
    std: new Array<number>(values.length).fill(0),
    size: new Array<number>(values.length).fill(0),
    spread: new Array<number>(values.length).fill(0),
    groups: members.size,
  };
  for (const idx of members.values()) {
    let sum = 0;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const i of idx) {
      sum += values[i]!;
      lo = Math.min(lo, values[i]!);
      hi = Math.max(hi, values[i]!);
    }
    const m = sum / idx.length;
    let sq = 0;
    for (const i of idx) sq += (values[i]! - m) * (values[i]! - m);
    const denom = std === 'sample' ? idx.length - 1 : idx.length;
    const s = denom > 0 ? Math.sqrt(sq / denom) : 0;
    for (const i of idx) {
      out.mean[i] = m;
      out.std[i] = s;
      out.size[i] = idx.length;
      out.spread[i] = hi - lo;
    }
  }
  return out;
}

/**
 * `(x − mean_g) / (std_g + eps)` per element, or `x − mean_g` when `scale` is false. A group whose
 * values are all equal gets exactly 0 (not `0 / eps` noise): a policy that always succeeds learns
 * nothing from its own successes, which is what a perfect warm start needs.
 */
export function groupNormalize(
  values: readonly number[],
  groupIds: readonly (string | number)[],
  { scale = true, eps = 1e-6 }: { scale?: boolean; eps?: number } = {},
): number[] {
  const s = groupStats(values, groupIds);
  return values.map((x, i) => {
    // Rounding can leave a constant group with mean ≠ x; its advantage is 0 by definition.
    if (s.spread[i] === 0) return 0;
    const centred = x - s.mean[i]!;
    return scale ? centred / (s.std[i]! + eps) : centred;
  });
}
