#!/usr/bin/env node
// RESULTS.md "Points24": run from the repository root after pnpm build: node results/points24-noise.mjs
const W = new URL('../packages', import.meta.url).pathname;
const { EnvRegistry, TextEnv } = await import(`${W}/env/dist/index.js`);
const { registerGymCards, createOracle, points24Actions, points24Text, solvePoints } = await import(
  `${W}/gym-cards/dist/index.js`
);
const { OraclePolicy, RandomPolicy } = await import(`${W}/policy/dist/index.js`);
const { buildOracleDataset } = await import(`${W}/trainer/dist/index.js`);
const rules = { target: 24, operators: ['+', '-', '*', '/'], parentheses: true, maxFormulaLength: 20 };
const registry = new EnvRegistry();
registerGymCards({ registry });
const ID = 'gym-cards/Points24-v0';
const oracle = createOracle(ID);
const text = { cot: true, thought: 'plan' };
for (const noise of [0, 0.05, 0.2]) {
  const ex = await buildOracleDataset({
    env: new TextEnv(registry.make(ID), points24Text(text)),
    teacher: new OraclePolicy((_p, info) => oracle.reply(info, text)),
    noisePolicy: new RandomPolicy({ labels: points24Actions(), seed: 1 }),
    noise,
    episodes: 256,
    seed: 1,
  });
  const c = { random: 0, canonical: 0, otherPlan: 0, deadEndSolvable: 0, unsolvable: 0 };
  for (const e of ex) {
    if (e.target.includes('I choose at random')) {
      c.random++;
      continue;
    }
    const sol = solvePoints(e.info.state.numbers, rules);
    if (sol.length === 0) {
      c.unsolvable++;
      continue;
    }
    const th = JSON.parse(/"thoughts": ("[^"]*")/.exec(e.target)[1]);
    if (th.includes('no 24')) c.deadEndSolvable++;
    else if (th.replace('|', '').replace(/ /g, '') === `${sol[0].join('')}=24`) c.canonical++;
    else c.otherPlan++;
  }
  const n = ex.length;
  console.log(
    `noise ${noise}: ${n} steps (${(n / 256).toFixed(2)}/episode); ` +
      Object.entries(c)
        .map(([k, v]) => `${k} ${((100 * v) / n).toFixed(1)}%`)
        .join(', '),
  );
}
