#!/usr/bin/env node
// RESULTS.md "Points24": run from the repository root after pnpm build: node results/points24-coverage.mjs
// Coverage of evaluation deals' value multisets by N SFT episodes (the dataset's own seeds).
const W = new URL('../packages', import.meta.url).pathname;
const { Points24Env, solvePoints } = await import(`${W}/gym-cards/dist/index.js`);
const { deriveSeed, SeedStream } = await import(`${W}/trainer/dist/index.js`);
const rules = { target: 24, operators: ['+', '-', '*', '/'], parentheses: true, maxFormulaLength: 20 };
const env = new Points24Env();
const key = (n) => [...n].sort((a, b) => a - b).join(',');
const evalKeys = [];
for (let i = 0; i < 1000; i++) evalKeys.push(key(env.reset({ seed: 1_000_000 + i }).info.state.numbers));
const solvable = (k) => solvePoints(k.split(',').map(Number), rules).length > 0;
const evalSolvable = evalKeys.filter(solvable);
const seen = new Set();
let n = 0;
for (const N of [96, 256, 512, 1024, 2048, 4096, 8192]) {
  for (; n < N; n++)
    seen.add(key(env.reset({ seed: deriveSeed(1, SeedStream.dataset, 2, n) }).info.state.numbers));
  const cov = evalKeys.filter((k) => seen.has(k)).length / 1000;
  const covS = evalSolvable.filter((k) => seen.has(k)).length / evalSolvable.length;
  console.log(
    `N=${N} distinct=${seen.size} evalCovered=${(100 * cov).toFixed(1)}% solvableEvalCovered=${(100 * covS).toFixed(1)}% (of ${evalSolvable.length})`,
  );
}
// Exact expectation from the deal distribution: values 1..9 w.p. 1/13, 10 w.p. 4/13.
const p = [0, ...Array(9).fill(1 / 13), 4 / 13];
const probs = new Map();
for (let a = 1; a <= 10; a++)
  for (let b = 1; b <= 10; b++)
    for (let c = 1; c <= 10; c++)
      for (let d = 1; d <= 10; d++) {
        const k = key([a, b, c, d]);
        probs.set(k, (probs.get(k) ?? 0) + p[a] * p[b] * p[c] * p[d]);
      }
let solvMass = 0;
for (const [k, q] of probs) if (solvable(k)) solvMass += q;
console.log(`multisets=${probs.size} solvable mass=${(100 * solvMass).toFixed(2)}%`);
for (const N of [96, 512, 1024, 2048, 4096, 8192]) {
  let e = 0,
    es = 0;
  for (const [k, q] of probs) {
    const c = 1 - (1 - q) ** N;
    e += q * c;
    if (solvable(k)) es += q * c;
  }
  console.log(
    `expected N=${N}: covered deal mass ${(100 * e).toFixed(1)}%, solvable covered ${((100 * es) / solvMass).toFixed(1)}%`,
  );
}
