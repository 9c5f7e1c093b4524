import { evaluateFormula, type Formula } from './formula.js';
import { add, div, equals, mul, type Rational, rational, sub } from './rational.js';

/** A binary operator a points game offers. */
export type Operator = '+' | '-' | '*' | '/';

/** What the solver needs to know about a points game. */
export interface PointsRules {
  /** The value the formula must reach (12 in EZPoints, 24 in Points24). */
  target: number;
  /** Binary operators the action set offers. */
  operators: readonly Operator[];
  /** Whether `(` and `)` are actions. */
  parentheses: boolean;
  /** `=` is accepted only while the formula has at most this many entries (5 in EZPoints, 20 in Points24). */
  maxFormulaLength: number;
}

interface Expr {
  value: Rational;
  tokens: string[];
  /** 1 for + and -, 2 for * and /, 3 for a number or a parenthesised group. */
  precedence: number;
}

const PRECEDENCE: Record<Operator, number> = { '+': 1, '-': 1, '*': 2, '/': 2 };

function combine(a: Expr, b: Expr, op: Operator, parentheses: boolean): Expr | undefined {
  const p = PRECEDENCE[op];
  const wrapA = a.precedence < p;
  const wrapB = b.precedence < p || (b.precedence === p && (op === '-' || op === '/'));
  if ((wrapA || wrapB) && !parentheses) return undefined;
  let value: Rational | undefined;
  if (op === '+') value = add(a.value, b.value);
  else if (op === '-') value = sub(a.value, b.value);
  else if (op === '*') value = mul(a.value, b.value);
  else value = div(a.value, b.value);
  if (!value) return undefined;
  const left = wrapA ? ['(', ...a.tokens, ')'] : a.tokens;
  const right = wrapB ? ['(', ...b.tokens, ')'] : b.tokens;
  return { value, tokens: [...left, op, ...right], precedence: p };
}

function search(
  items: Expr[],
  rules: PointsRules,
  target: Rational,
  out: Map<string, string[]>,
  firstOnly: boolean,
): void {
  if (items.length === 1) {
    if (equals(items[0]!.value, target)) out.set(items[0]!.tokens.join(' '), items[0]!.tokens);
    return;
  }
  for (let i = 0; i < items.length; i++) {
    for (let j = 0; j < items.length; j++) {
      if (i === j) continue;
      const rest = items.filter((_, k) => k !== i && k !== j);
      for (const op of rules.operators) {
        const e = combine(items[i]!, items[j]!, op, rules.parentheses);
        if (!e) continue;
        search([...rest, e], rules, target, out, firstOnly);
        if (firstOnly && out.size > 0) return;
      }
    }
  }
}

const cache = new Map<string, string[][]>();

/**
 * Every formula (as tokens, parentheses only where needed) that uses each number exactly once
 * and equals the target exactly; shortest first, then alphabetical. Empty when the deal has no
 * solution. Results are cached per multiset of numbers.
 */
export function solvePoints(numbers: readonly number[], rules: PointsRules): string[][] {
  const key = `${rules.target}|${rules.operators.join('')}|${rules.parentheses}|${[...numbers].sort((a, b) => a - b).join(',')}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const out = new Map<string, string[]>();
  const items = numbers.map((n) => ({ value: rational(n), tokens: [String(n)], precedence: 3 }));
  search(items, rules, rational(rules.target), out, false);
  const solutions = [...out.values()]
    .filter((s) => s.length <= rules.maxFormulaLength)
    .sort((a, b) => a.length - b.length || a.join(' ').localeCompare(b.join(' ')));
  cache.set(key, solutions);
  return solutions;
}

/** Whether some formula using each number exactly once equals the target (exact arithmetic). */
export function isSolvable(numbers: readonly number[], rules: PointsRules): boolean {
  return solvePoints(numbers, rules).length > 0;
}

/** The oracle's choice for a points-game state and why. */
export interface PointsAdvice {
  /** The token to play next: a number, an operator or `=`. */
  token: string;
  /** The complete formula the oracle is heading for, when there is one. */
  plan?: string[];
  /** `complete`: the formula already equals the target; `extend`: append toward `plan`; `dead-end`: no completion can win. */
  kind: 'complete' | 'extend' | 'dead-end';
}

/** Where a formula prefix stands, read with the env's grammar (unary signs allowed, as the evaluator does). */
interface PrefixState {
  /** Numbers inside each open parenthesis, innermost last. */
  groups: number[];
  expectsOperand: boolean;
}

function scanPrefix(tokens: readonly string[]): PrefixState | undefined {
  const groups: number[] = [];
  let expectsOperand = true;
  for (const t of tokens) {
    if (/^\d+$/.test(t) || t === '(') {
      if (!expectsOperand) return undefined;
      if (t === '(') groups.push(0);
      else {
        expectsOperand = false;
        for (let i = 0; i < groups.length; i++) groups[i]!++;
      }
    } else if (t === ')') {
      if (expectsOperand || groups.length === 0) return undefined;
      groups.pop();
    } else if (t === '+' || t === '-') {
      expectsOperand = true; // binary, or a unary sign where an operand is expected
    } else if (t === '*' || t === '/') {
      if (expectsOperand) return undefined;
      expectsOperand = true;
    } else return undefined;
  }
  return { groups, expectsOperand };
}

function remainingNumbers(numbers: readonly number[], used: readonly string[]): number[] | undefined {
  const left = [...numbers];
  for (const t of used) {
    if (!/^\d+$/.test(t)) continue;
    const i = left.indexOf(Number(t));
    if (i < 0) return undefined;
    left.splice(i, 1);
  }
  return left;
}

/**
 * Searches token by token for a completion of `prefix` that wins, within `budget` more tokens.
 * Used only when no precomputed solution extends the prefix (e.g. after redundant parentheses).
 */
function searchCompletion(
  prefix: string[],
  numbers: number[],
  rules: PointsRules,
  budget: number,
  nodeLimit: number,
): string[] | undefined {
  const start = scanPrefix(prefix);
  if (!start) return undefined;
  const target = rational(rules.target);
  let nodes = 0;
  const path: string[] = [];
  const go = (state: PrefixState, left: number[], room: number): boolean => {
    if (++nodes > nodeLimit) return false;
    const depth = state.groups.length;
    if (left.length === 0 && state.expectsOperand) return false;
    const minNeeded = (state.expectsOperand ? 2 * left.length - 1 : 2 * left.length) + depth;
    if (minNeeded > room) return false;
    if (left.length === 0 && depth === 0 && !state.expectsOperand) {
      const value = evaluateFormula([...prefix, ...path]);
      return value.ok && equals(value.value, target);
    }
    const tryToken = (t: string, next: PrefixState, nextLeft: number[]): boolean => {
      path.push(t);
      if (go(next, nextLeft, room - 1)) return true;
      path.pop();
      return false;
    };
    if (state.expectsOperand) {
      for (const n of new Set(left)) {
        const i = left.indexOf(n);
        const nextLeft = [...left.slice(0, i), ...left.slice(i + 1)];
        const next = { groups: state.groups.map((c) => c + 1), expectsOperand: false };
        if (tryToken(String(n), next, nextLeft)) return true;
      }
      // Only open a group that can still hold two numbers: "(a)" and "((…))" add nothing.
      const emptyGroups = state.groups.filter((c) => c === 0).length;
      if (rules.parentheses && emptyGroups + 1 <= left.length - 1) {
        if (tryToken('(', { groups: [...state.groups, 0], expectsOperand: true }, left)) return true;
      }
    } else {
      for (const op of rules.operators) {
        if (left.length > 0 && tryToken(op, { groups: state.groups, expectsOperand: true }, left))
          return true;
      }
      if (depth > 0 && tryToken(')', { groups: state.groups.slice(0, -1), expectsOperand: false }, left))
        return true;
    }
    return false;
  };
  return go(start, numbers, budget) ? [...path] : undefined;
}

/**
 * The oracle's next token for a points game: `=` when the formula already equals the target
 * using every card; otherwise the next token of the shortest winning formula that extends the
 * current one within the length limit; and `=` at a dead end (no winning completion exists, or
 * the deal is unsolvable), since ending at once with −1 is the best return left.
 *
 * @param numbers the card values dealt
 * @param formula the formula so far, space entries included (they count toward the length limit)
 */
export function advisePoints(numbers: readonly number[], formula: Formula, rules: PointsRules): PointsAdvice {
  const prefix = formula.filter((t) => t.trim() !== '');
  const left = remainingNumbers(numbers, prefix);
  const room = rules.maxFormulaLength - formula.length;
  if (!left || room < 0) return { token: '=', kind: 'dead-end' };
  if (left.length === 0) {
    const value = evaluateFormula(prefix);
    if (value.ok && equals(value.value, rational(rules.target)))
      return { token: '=', kind: 'complete', plan: prefix };
  }
  const solutions = solvePoints(numbers, rules);
  // Every formula that uses each card once with binary operators is one of these trees, so
  // an unsolvable deal has no completion to search for.
  if (solutions.length === 0) return { token: '=', kind: 'dead-end' };
  for (const solution of solutions) {
    if (solution.length - prefix.length > room || solution.length <= prefix.length) continue;
    if (prefix.every((t, i) => solution[i] === t))
      return { token: solution[prefix.length]!, kind: 'extend', plan: solution };
  }
  const completion = searchCompletion(prefix, left, rules, room, 200_000);
  if (completion && completion.length > 0) {
    return { token: completion[0]!, kind: 'extend', plan: [...prefix, ...completion] };
  }
  return { token: '=', kind: 'dead-end' };
}
