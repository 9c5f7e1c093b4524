#!/usr/bin/env node
/**
 * ALFWorld household (RESULTS.md "ALFWorld household"): success per task type with 95% Wilson
 * intervals, for evaluation files of `alfworld/Household-v0` runs and for the reference policies
 * on the same episode seeds (run from the repository root after `pnpm build`):
 *
 *   node results/alfworld-by-type.mjs [--references N] [eval.json ...]
 *
 * `a.json+b.json` is one row over both files' episodes (an evaluation done in two parts).
 *
 * An eval file's episodes carry their seed; the task type is recomputed from it (the env draws
 * its game from the reset seed), so the files need nothing ALFWorld-specific. Success is
 * `return > 0`, a win under the `alfworld` preset's win-only reward. `--references N` plays N
 * episodes (seeds 1,000,000 + i, the evaluation's) with the random policy (a uniformly drawn
 * admissible command), the search expert and the full expert.
 */
import { HouseholdEnv, TASK_TYPES } from '../packages/alfworld/dist/index.js';
import { Rng } from '../packages/env/dist/index.js';
import { wilsonInterval } from '../packages/trainer/dist/index.js';
import { readJson } from './read-json.mjs';

const args = process.argv.slice(2);
let references = 0;
const files = [];
while (args.length > 0) {
  const a = args.shift();
  if (a === '--references') references = Number.parseInt(args.shift() ?? '', 10);
  else files.push(a);
}
if (!(references >= 0) || (files.length === 0 && references === 0)) {
  console.error('usage: node results/alfworld-by-type.mjs [--references N] [eval.json ...]');
  process.exit(2);
}
const EVAL_SEED = 1_000_000;
const env = new HouseholdEnv({ image: false, expert: 'search' });
const typeOf = new Map();
async function taskType(seed) {
  if (!typeOf.has(seed)) typeOf.set(seed, (await env.reset({ seed })).info.taskType);
  return typeOf.get(seed);
}

const pct = (x) => (100 * x).toFixed(1);
/** The tally of one task type in `counts`, created empty on first use. */
function tally(counts, type) {
  if (!counts[type]) counts[type] = { wins: 0, n: 0 };
  return counts[type];
}
/** One table row: per type and the average over types (and over episodes), `wins/n` each. */
function row(name, counts) {
  const cells = TASK_TYPES.map((t) => {
    const { wins = 0, n = 0 } = counts[t] ?? {};
    if (n === 0) return '—';
    const { low, high } = wilsonInterval(wins, n);
    return `${pct(wins / n)} [${pct(low)}–${pct(high)}] (${n})`;
  });
  const present = TASK_TYPES.filter((t) => counts[t]?.n);
  const typeMean = present.reduce((a, t) => a + counts[t].wins / counts[t].n, 0) / present.length;
  const wins = present.reduce((a, t) => a + counts[t].wins, 0);
  const n = present.reduce((a, t) => a + counts[t].n, 0);
  const { low, high } = wilsonInterval(wins, n);
  return `| ${name} | ${cells.join(' | ')} | ${pct(typeMean)} | ${pct(wins / n)} [${pct(low)}–${pct(high)}] (${n}) |`;
}

console.log(
  `| policy | ${TASK_TYPES.join(' | ')} | mean over types | all episodes |\n|${' --- |'.repeat(TASK_TYPES.length + 3)}`,
);
// `a.json+b.json` pools the files' episodes into one row (e.g. episodes 0–99 and 100–299).
for (const file of files) {
  const records = file.split('+').flatMap((part) => readJson(part).records);
  const counts = {};
  for (const r of records) {
    const c = tally(counts, await taskType(r.seed));
    c.n += 1;
    if (r.success) c.wins += 1;
  }
  console.log(row(file, counts));
}
if (references > 0) {
  const rng = new Rng(1);
  for (const [name, pick] of [
    ['random (admissible)', (info) => rng.choice(info.admissibleCommands)],
    ['search expert', (info) => info.expertCommand],
  ]) {
    const counts = {};
    for (let i = 0; i < references; i++) {
      let { info } = await env.reset({ seed: EVAL_SEED + i });
      const c = tally(counts, info.taskType);
      c.n += 1;
      for (;;) {
        const r = await env.step(pick(info));
        if (r.terminated) c.wins += 1;
        if (r.terminated || r.truncated) break;
        info = r.info;
      }
    }
    console.log(row(`${name}, ${references} episodes`, counts));
  }
  const full = new HouseholdEnv({ image: false, expert: 'full' });
  const counts = {};
  for (let i = 0; i < references; i++) {
    let { info } = await full.reset({ seed: EVAL_SEED + i });
    const c = tally(counts, info.taskType);
    c.n += 1;
    for (;;) {
      const r = await full.step(info.expertCommand);
      if (r.terminated) c.wins += 1;
      if (r.terminated || r.truncated) break;
      info = r.info;
    }
  }
  console.log(row(`full expert, ${references} episodes`, counts));
}
