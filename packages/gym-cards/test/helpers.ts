import { type FormulaValue, rational } from '../src/index.js';

export { advisePoints, evaluateFormula, isSolvable, type PointsRules, solvePoints } from '../src/index.js';

/** True when a formula value is exactly `target`. */
export function equalsTarget(value: FormulaValue, target: number): boolean {
  const t = rational(target);
  return value.ok && value.value.num === t.num && value.value.den === t.den;
}
