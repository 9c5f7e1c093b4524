#!/usr/bin/env node
/**
 * How often a Blackjack run's evaluation decisions match the optimal policy's (dynamic
 * programming, the oracle), and what the optimal policy itself wins on the same seeded deals:
 *
 *   node results/blackjack-agreement.mjs <eval.json> [...]
 *
 * Each episode is replayed from its seed with the recorded actions, so the states are the env's
 * own; no model is loaded. Run `pnpm build` first.
 */
import { EnvRegistry } from '../packages/env/dist/index.js';
import { createOracle, GYM_CARDS_IDS, registerGymCards } from '../packages/gym-cards/dist/index.js';
import { readJson } from './read-json.mjs';

const id = GYM_CARDS_IDS.blackjack;
const registry = new EnvRegistry();
registerGymCards({ registry });
const oracle = createOracle(id);
const env = registry.make(id);

async function optimalWins(seed) {
  let { info } = await env.reset({ seed });
  for (;;) {
    const step = await env.step(oracle.action(info));
    if (step.terminated || step.truncated) return step.reward > 0;
    info = step.info;
  }
}

for (const file of process.argv.slice(2)) {
  const evaluation = readJson(file);
  let decisions = 0;
  let agree = 0;
  let hits = 0;
  let optimal = 0;
  for (const record of evaluation.records) {
    let { info } = await env.reset({ seed: record.seed });
    for (const step of record.steps) {
      if (step.action === undefined || step.action === null) break;
      decisions++;
      if (step.action === oracle.action(info)) agree++;
      if (step.action === 1) hits++;
      const next = await env.step(step.action);
      info = next.info;
      if (next.terminated || next.truncated) break;
    }
    if (await optimalWins(record.seed)) optimal++;
  }
  const pct = (n, d) => ((100 * n) / d).toFixed(1);
  console.log(
    `${file}: ${evaluation.records.length} episodes, ${decisions} decisions, ` +
      `agree with optimal ${pct(agree, decisions)}%, hit ${pct(hits, decisions)}%, ` +
      `win ${(100 * evaluation.successRate).toFixed(1)}% ` +
      `(optimal policy on the same deals: ${pct(optimal, evaluation.records.length)}%)`,
  );
}
