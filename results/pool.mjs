#!/usr/bin/env node
/**
 * Pools evaluation files (e.g. one per training seed) into one success rate with its 95% Wilson
 * interval, counting every episode once:
 *
 *   node results/pool.mjs results/runs/nl-ppo-l0.5-e20/eval-final.json results/runs/nl-ppo-l0.5-e20-s2/eval-1000/eval.json …
 */
// The interval the CLI reports per run (run `pnpm build` first).
import { wilsonInterval } from '../packages/trainer/dist/index.js';
import { readJson } from './read-json.mjs';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node results/pool.mjs <eval.json> [...]');
  process.exit(2);
}
let episodes = 0;
let successes = 0;
for (const file of files) {
  const e = readJson(file);
  episodes += e.episodes;
  successes += Math.round(e.successRate * e.episodes);
  console.log(`${file}: ${(100 * e.successRate).toFixed(1)}% of ${e.episodes}`);
}
const p = successes / episodes;
const { low, high } = wilsonInterval(successes, episodes);
const pct = (x) => (100 * x).toFixed(1);
console.log(
  `pooled: ${pct(p)}% [${pct(low)}–${pct(high)}] over ${episodes} episodes (${successes} successes)`,
);
