#!/usr/bin/env node
/**
 * How well a Points24 policy reads its cards and plans, from the first step of each episode of an
 * evaluation file (`eval-*.json`, the replies are in `records[].steps[].text`):
 *
 *   node results/points24-reading.mjs results/runs/<run>/eval-after-sft.json [...]
 *
 * For each episode the deal is dealt again from its seed. Counted on the first step:
 * - `cards exact`: the reply's "cards" list equals the deal as the thought writes it (deal order
 *   for the default thought, sorted for the `plan` thought);
 * - `multiset`: the same four values in any order; `values right`: of the 4 × episodes values,
 *   how many the reply names (multiset overlap);
 * - `plan valid`: the thought holds a formula that uses exactly the dealt values and equals 24;
 *   `plan canonical`: it is the solver's first formula for the deal (the oracle's plan);
 * - `action = oracle`: the first action is the oracle's for that deal.
 * Solvable deals are counted apart (an unsolvable deal's right reply is "=").
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEvaluation } from './read-json.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { Points24Env, createOracle, evaluateFormula, solvePoints, points24Actions } = await import(
  join(root, 'packages/gym-cards/dist/index.js')
);

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node results/points24-reading.mjs <eval.json> [...]');
  process.exit(2);
}
const RULES = { target: 24, operators: ['+', '-', '*', '/'], parentheses: true, maxFormulaLength: 20 };
const oracle = createOracle('gym-cards/Points24-v0');
const labels = points24Actions();
const env = new Points24Env();
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const tokensOf = (f) => f.match(/10|[1-9]|[-+*/()]/g) ?? [];
const is24 = (tokens) => {
  const v = evaluateFormula(tokens);
  return v.ok && v.value.num === 24 * v.value.den;
};
const pct = (n, d) => `${n}/${d} (${d ? ((100 * n) / d).toFixed(1) : '–'}%)`;

for (const file of files) {
  let data;
  try {
    data = readEvaluation(file);
  } catch (e) {
    console.error(e.message);
    process.exitCode = 1;
    continue;
  }
  const c = {
    n: 0,
    exact: 0,
    multiset: 0,
    values: 0,
    solvable: 0,
    valid: 0,
    canonical: 0,
    action: 0,
    actionSolvable: 0,
  };
  for (const record of data.records) {
    const text = record.steps?.[0]?.text;
    if (typeof text !== 'string' || typeof record.seed !== 'number') continue;
    const { info } = env.reset({ seed: record.seed });
    const dealt = info.state.numbers;
    const solutions = solvePoints(dealt, RULES);
    c.n++;
    const cardsMatch = /"cards":\s*\[([^\]]*)\]/.exec(text);
    const named = cardsMatch ? cardsMatch[1].split(',').map((s) => Number(s.trim())) : [];
    const planThought = text.includes('|');
    if (same(named, planThought ? sorted(dealt) : dealt)) c.exact++;
    if (same(sorted(named), sorted(dealt))) c.multiset++;
    const left = [...dealt];
    for (const v of named) {
      const i = left.indexOf(v);
      if (i >= 0) {
        c.values++;
        left.splice(i, 1);
      }
    }
    const action = /"action":\s*"([^"]+)"/.exec(text)?.[1];
    const right = action !== undefined && labels.indexOf(action) === oracle.action(info);
    if (right) c.action++;
    if (solutions.length === 0) continue;
    c.solvable++;
    if (right) c.actionSolvable++;
    // The plan: the formula of the thought (cursor removed), or the default thought's "I can make F = 24".
    const thought = /"thoughts":\s*"([^"]*)"/.exec(text)?.[1] ?? '';
    const formula = planThought
      ? thought.replace('|', '').replace(/=\s*24.*$/, '')
      : (/can make (.*?) = 24/.exec(thought)?.[1] ?? '');
    const tokens = tokensOf(formula);
    const numbers = tokens.filter((t) => /\d/.test(t)).map(Number);
    if (tokens.length > 0 && same(sorted(numbers), sorted(dealt)) && is24(tokens)) c.valid++;
    if (same(tokens, solutions[0])) c.canonical++;
  }
  console.log(`${file}: ${c.n} first steps (${c.solvable} solvable deals)`);
  console.log(`  cards exact      ${pct(c.exact, c.n)}`);
  console.log(`  multiset         ${pct(c.multiset, c.n)}`);
  console.log(`  values right     ${pct(c.values, 4 * c.n)}`);
  console.log(
    `  action = oracle  ${pct(c.action, c.n)}; on solvable deals ${pct(c.actionSolvable, c.solvable)}`,
  );
  console.log(`  plan valid       ${pct(c.valid, c.solvable)} of solvable deals`);
  console.log(`  plan canonical   ${pct(c.canonical, c.solvable)} of solvable deals`);
}
