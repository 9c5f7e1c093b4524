#!/usr/bin/env node
/**
 * RESULTS.md's algorithm comparison, read only from the run folders results/algorithms-queue.sh
 * writes (SFT warm start `<env>-sft-r2[-sN]`, RL runs `<env>-<algorithm>-l0.5-r2[-sN]`):
 *
 *   node results/algorithms-table.mjs [numberline|ezpoints ...]
 *
 * Per env: greedy success (1,000 seeded episodes per seed, 95% Wilson interval) after SFT and after
 * each algorithm, per seed and pooled over the seeds that have every run; then each run's cost
 * (env steps, wall time, rollout and optimizer seconds per update). A run still missing prints "–".
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The interval the CLI reports per run (run `pnpm build` first).
import { wilsonInterval } from '../packages/trainer/dist/index.js';
import { jsonExists, readJson, readJsonLines } from './read-json.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENVS = { numberline: 'nl', ezpoints: 'ezp' };
const ALGORITHMS = ['ppo', 'grpo', 'rloo', 'gigpo'];
const SEEDS = [1, 2, 3];
const pct = (x) => (100 * x).toFixed(1);
const suffix = (seed) => (seed === 1 ? '' : `-s${seed}`);

/**
 * How many calls wrote `run`'s current log, from results/commands.log: its last `train -n run`
 * (which starts the log over) and the `resume run` calls after it (which append to it).
 */
function callsOf(run) {
  const log = join(root, 'results/commands.log');
  if (!existsSync(log)) return 0;
  const lines = readFileSync(log, 'utf8').split('\n');
  const start = lines.findLastIndex((l) => l.includes(` train -n ${run} `));
  return start < 0 ? 0 : 1 + lines.slice(start).filter((l) => l.includes(` resume ${run} `)).length;
}

function evalOf(run, stage) {
  const file = join(root, 'results/runs', run, `eval-${stage}.json`);
  return jsonExists(file) ? readJson(file) : undefined;
}

function costOf(run) {
  const file = join(root, 'results/runs', run, 'metrics.jsonl');
  if (!existsSync(file)) return undefined;
  const rl = readJsonLines(file).filter((m) => m.phase === 'rl');
  if (rl.length === 0) return undefined;
  // The median, not the mean: one update of a run that was paused (kill -STOP for a benchmark) or
  // ran beside a build took 20× the others and would dominate a mean.
  const median = (key) => {
    const v = rl.map((m) => m[key] ?? 0).sort((a, b) => a - b);
    return (v[(v.length - 1) >> 1] + v[v.length >> 1]) / 2;
  };
  const log = join(root, 'results/logs', `${run}.log`);
  // A resumed run's log holds one wall_seconds line per call (a killed call has none): their sum.
  const calls = existsSync(log) ? [...readFileSync(log, 'utf8').matchAll(/wall_seconds=(\d+)/g)] : [];
  const wall = calls.length === 0 ? undefined : calls.reduce((a, m) => a + Number(m[1]), 0);
  const finishedCalls = calls.length;
  return {
    updates: rl.length,
    envSteps: rl.at(-1).envSteps,
    wallMin: wall === undefined ? undefined : wall / 60,
    // A call killed before it finished left no wall_seconds: its time is missing from the sum.
    wallPartial: finishedCalls > 0 && finishedCalls < callsOf(run),
    rolloutS: median('rolloutSeconds'),
    updateS: median('updateSeconds'),
  };
}

const cell = (e) =>
  e ? `${pct(e.successRate)} [${pct(e.successInterval.low)}–${pct(e.successInterval.high)}]` : '–';

function pooled(evals) {
  const episodes = evals.reduce((a, e) => a + e.episodes, 0);
  const successes = evals.reduce((a, e) => a + Math.round(e.successRate * e.episodes), 0);
  const { low, high } = wilsonInterval(successes, episodes);
  return { successRate: successes / episodes, successInterval: { low, high }, episodes };
}

const wanted = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(ENVS);
for (const env of wanted) {
  const short = ENVS[env];
  if (!short) {
    console.error(`unknown env '${env}'; allowed: ${Object.keys(ENVS).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n### ${env}: greedy success %, 1,000 episodes per seed [95% Wilson]\n`);
  console.log(`| seed | SFT warm start | ${ALGORITHMS.join(' | ')} |`);
  console.log(`|---|---|${ALGORITHMS.map(() => '---').join('|')}|`);
  const complete = [];
  for (const seed of SEEDS) {
    const sft = evalOf(`${short}-sft-r2${suffix(seed)}`, 'after-sft');
    const rl = ALGORITHMS.map((a) => evalOf(`${short}-${a}-l0.5-r2${suffix(seed)}`, 'final'));
    console.log(`| ${seed} | ${cell(sft)} | ${rl.map(cell).join(' | ')} |`);
    if (sft && rl.every(Boolean)) complete.push({ sft, rl });
  }
  if (complete.length > 0)
    console.log(
      `| pooled (${complete.length} seed${complete.length > 1 ? 's' : ''}) | ${cell(pooled(complete.map((c) => c.sft)))} | ${ALGORITHMS.map((_, i) => cell(pooled(complete.map((c) => c.rl[i])))).join(' | ')} |`,
    );
  console.log(
    `\n| ${env} run | updates | env steps | wall | rollout s / update (median) | optimizer s / update (median) |`,
  );
  console.log('|---|---|---|---|---|---|');
  for (const seed of SEEDS)
    for (const a of ALGORITHMS) {
      const run = `${short}-${a}-l0.5-r2${suffix(seed)}`;
      const c = costOf(run);
      if (!c) continue;
      console.log(
        `| ${run} | ${c.updates} | ${c.envSteps} | ${c.wallMin === undefined ? '–' : `${c.wallMin.toFixed(1)} min${c.wallPartial ? ' ¹' : ''}`} | ${c.rolloutS.toFixed(1)} | ${c.updateS.toFixed(1)} |`,
      );
    }
  console.log('\n¹ Resumed after a call was killed: the wall time counts only the calls that finished.');
}
