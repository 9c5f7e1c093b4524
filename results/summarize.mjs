#!/usr/bin/env node
/**
 * Prints one Markdown row per finished run under results/runs, read only from the run's own files
 * (metrics.jsonl, eval-*.json, the wall time appended to results/logs/<run>.log), so every number
 * in RESULTS.md can be traced to a file:
 *
 *   node results/summarize.mjs [run ...]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonExists, readJson, readJsonLines } from './read-json.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runsDir = join(root, 'results/runs');
const pct = (x) => (x == null ? '–' : `${(100 * x).toFixed(1)}`);

function wallSeconds(name) {
  const log = join(root, 'results/logs', `${name}.log`);
  if (!existsSync(log)) return undefined;
  const m = /wall_seconds=(\d+)/.exec(readFileSync(log, 'utf8'));
  return m ? Number(m[1]) : undefined;
}

const names = process.argv.length > 2 ? process.argv.slice(2) : readdirSync(runsDir).sort();
console.log(
  '| run | stage | eval episodes | success % | 95% CI (Wilson) | mean return | format errors % | RL env steps | best training-window success % (update) | wall | algorithm | optimizer s / update |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const name of names) {
  const metrics = readJsonLines(join(runsDir, name, 'metrics.jsonl'));
  // RL update lines: `phase: 'rl'` with the algorithm; runs from before algorithm plugins wrote 'ppo'.
  const ppo = metrics.filter((m) => m.phase === 'rl' || m.phase === 'ppo');
  const algorithm = ppo.length > 0 ? (ppo[0].algorithm ?? 'ppo') : undefined;
  const updateSeconds =
    ppo.length > 0 ? ppo.reduce((a, m) => a + (m.updateSeconds ?? 0), 0) / ppo.length : undefined;
  const envSteps = ppo.length > 0 ? ppo[ppo.length - 1].envSteps : 0;
  let best;
  for (const m of ppo)
    if (m.successRateWindow != null && (best === undefined || m.successRateWindow > best.successRateWindow))
      best = m;
  const wall = wallSeconds(name);
  const dir = join(runsDir, name);
  // eval-*.json, not metrics.jsonl: the CLI's SFT-only path logs only the success rate there.
  // `rl4vlm eval -o <run>/<folder>` re-evaluations are listed under the folder's name.
  const files = ['after-sft', 'final'].map((stage) => [stage, join(dir, `eval-${stage}.json`)]);
  for (const sub of existsSync(dir) ? readdirSync(dir) : [])
    if (jsonExists(join(dir, sub, 'eval.json'))) files.push([sub, join(dir, sub, 'eval.json')]);
  for (const [stage, file] of files) {
    if (!jsonExists(file)) continue;
    // A re-evaluation's own wall time is in results/logs/<run>-<folder without dashes>.log.
    const own =
      stage === 'after-sft' || stage === 'final' ? wall : wallSeconds(`${name}-${stage.replaceAll('-', '')}`);
    const e = readJson(file);
    console.log(
      `| ${name} | ${stage} | ${e.episodes} | ${pct(e.successRate)} | ${pct(e.successInterval.low)}–${pct(e.successInterval.high)} | ${e.meanReturn?.toFixed(2)} | ${pct(e.formatErrorRate)} | ${stage === 'final' ? envSteps : 0} | ${best && stage === 'final' ? `${pct(best.successRateWindow)} (${best.update + 1})` : '–'} | ${own === undefined ? '–' : `${(own / 60).toFixed(1)} min`} | ${stage === 'final' && algorithm ? algorithm : '–'} | ${stage === 'final' && updateSeconds !== undefined ? updateSeconds.toFixed(1) : '–'} |`,
    );
  }
}
