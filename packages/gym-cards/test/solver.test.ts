import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  advisePoints,
  equalsTarget,
  evaluateFormula,
  isSolvable,
  type PointsRules,
  solvePoints,
} from './helpers.js';

const P24: PointsRules = {
  target: 24,
  operators: ['+', '-', '*', '/'],
  parentheses: true,
  maxFormulaLength: 20,
};
const EZ: PointsRules = { target: 12, operators: ['+', '*'], parentheses: false, maxFormulaLength: 5 };
const cardValue = fc.integer({ min: 1, max: 13 }).map((r) => Math.min(r, 10));

const numbersUsed = (tokens: string[]) =>
  tokens
    .filter((t) => /^\d+$/.test(t))
    .map(Number)
    .sort((a, b) => a - b);

describe('points solver', () => {
  it('every solution uses each card exactly once and evaluates to the target exactly', () => {
    fc.assert(
      fc.property(fc.array(cardValue, { minLength: 4, maxLength: 4 }), (cards) => {
        for (const solution of solvePoints(cards, P24)) {
          expect(numbersUsed(solution)).toEqual([...cards].sort((a, b) => a - b));
          expect(equalsTarget(evaluateFormula(solution), 24)).toBe(true);
          expect(solution.length).toBeLessThanOrEqual(20);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('knows classic deals', () => {
    expect(isSolvable([3, 3, 8, 8], P24)).toBe(true);
    expect(solvePoints([3, 3, 8, 8], P24)[0]!.join('')).toBe('8/(3-8/3)');
    expect(isSolvable([1, 1, 1, 1], P24)).toBe(false);
    expect(isSolvable([4, 6, 8, 10], P24)).toBe(true);
    expect(isSolvable([1, 1, 2, 2], P24)).toBe(false);
    expect(isSolvable([10, 2], EZ)).toBe(true);
    expect(isSolvable([4, 3], EZ)).toBe(true);
  });

  it('finds 73.09% of 4-card deals (ranks uniform, faces as 10) solvable', () => {
    let solvable = 0;
    let total = 0;
    // Count over value multisets weighted by their rank probability: 13^4 ordered deals.
    const weight = (v: number) => (v === 10 ? 4 : 1);
    for (let a = 1; a <= 10; a++)
      for (let b = 1; b <= 10; b++)
        for (let c = 1; c <= 10; c++)
          for (let d = 1; d <= 10; d++) {
            const w = weight(a) * weight(b) * weight(c) * weight(d);
            total += w;
            if (isSolvable([a, b, c, d], P24)) solvable += w;
          }
    expect(total).toBe(13 ** 4);
    expect(solvable / total).toBeCloseTo(0.7309, 4);
  });

  it('an oracle that follows advisePoints from the empty formula always wins a solvable deal', () => {
    fc.assert(
      fc.property(fc.array(cardValue, { minLength: 4, maxLength: 4 }), (cards) => {
        const formula: string[] = [];
        for (let i = 0; i < 25; i++) {
          const advice = advisePoints(cards, formula, P24);
          if (advice.token === '=') {
            const won = equalsTarget(evaluateFormula(formula), 24) && numbersUsed(formula).length === 4;
            expect(won).toBe(isSolvable(cards, P24));
            return;
          }
          formula.push(advice.token);
        }
        throw new Error('the oracle never pressed =');
      }),
      { numRuns: 150 },
    );
  });

  it('completes a prefix off its own path when a completion exists, and gives = at a dead end', () => {
    const detour = advisePoints([3, 3, 8, 8], ['(', '(', '8'], P24);
    expect(detour.kind).toBe('extend');
    expect(equalsTarget(evaluateFormula(detour.plan!), 24)).toBe(true);
    expect(advisePoints([3, 3, 8, 8], ['8', '+'], P24)).toMatchObject({ token: '=', kind: 'dead-end' });
    expect(advisePoints([1, 1, 1, 1], [], P24)).toMatchObject({ token: '=', kind: 'dead-end' });
    expect(advisePoints([6, 2], ['6', '*', '2'], EZ)).toMatchObject({ token: '=', kind: 'complete' });
    // With room for only one more entry, a 3-token plan no longer fits.
    expect(advisePoints([6, 2], [' ', ' ', ' ', ' ', ' '], EZ).kind).toBe('dead-end');
    expect(advisePoints([6, 2], [' ', ' '], EZ)).toMatchObject({ kind: 'extend' });
  });
});
