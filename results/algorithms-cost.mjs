#!/usr/bin/env node
/**
 * What one update of each RL algorithm costs, measured fairly: the comparison runs of RESULTS.md
 * ("Which algorithm") ran two at a time beside other jobs, so their own per-update times
 * (`node results/algorithms-table.mjs`) mix the algorithm's cost with the machine's load. Here each
 * algorithm replays its comparison run's exact command (read from results/commands.log) from the
 * same warm start for a few updates, one process at a time, and the per-update seconds come from
 * the replay's metrics.jsonl (rollout and optimizer separately) and the process's CPU seconds.
 *
 *   node results/algorithms-cost.mjs [--updates 3] [--envs nl,ezp] [--seed-run r2] [--out DIR]
 *
 * The replays stop with a checkpoint after `--updates` (no evaluation) in a temporary runs folder
 * (`--out`, default a fresh folder under the OS temp dir), so results/ is not touched; a replay
 * already in `--out` is read, not run again (its CPU seconds are in its cpu-seconds.json). Prints a
 * Markdown table: per algorithm and env, the median over updates of rollout, optimizer and
 * total seconds, env steps and optimizer steps per update, and CPU seconds per update.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJsonLines } from './read-json.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ALGORITHMS = ['ppo', 'grpo', 'rloo', 'gigpo'];
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const updates = Number(option('--updates', '3'));
if (!Number.isInteger(updates) || updates < 1) throw new Error('--updates takes a whole number ≥ 1');
const envs = option('--envs', 'nl,ezp').split(',');
const tag = option('--seed-run', 'r2');
const out = option('--out', undefined) ?? mkdtempSync(join(tmpdir(), 'rl4vlm-cost-'));

/** The comparison run's command line, from results/commands.log (the last `train -n <run> `). */
function commandOf(run) {
  const lines = readFileSync(join(root, 'results/commands.log'), 'utf8').split('\n');
  const line = lines.findLast((l) => l.includes(` train -n ${run} `));
  if (!line) throw new Error(`results/commands.log: no 'train -n ${run}' line (run the comparison first)`);
  return line.slice(line.indexOf('node ') + 'node '.length).split(' ');
}

/** The same command, renamed, in `out`, stopped after `updates` updates. */
function replayArgs(run) {
  const argv = commandOf(run);
  const at = (flag) => argv.indexOf(flag);
  argv[at('-n') + 1] = `${run}-cost`;
  argv[at('--runs-dir') + 1] = out;
  const workers = at('--workers');
  if (workers >= 0) argv.splice(workers, 2);
  // One update more than replayed, so the stop comes before the final evaluation (whose CPU would
  // count against the updates); the learning-rate schedule is the command's own `cosineSteps`.
  if (!argv.some((a) => a.startsWith('ppo.schedule.cosineSteps=')))
    throw new Error(
      `${run}: its command sets no ppo.schedule.cosineSteps; raising --updates would change its schedule`,
    );
  return [
    ...argv,
    '--updates',
    String(updates + 1),
    '--workers',
    '1',
    '--stop-after',
    String(updates),
    '--no-report',
  ];
}

const median = (values) => {
  const v = [...values].sort((a, b) => a - b);
  return (v[(v.length - 1) >> 1] + v[v.length >> 1]) / 2;
};

const rows = [];
for (const env of envs) {
  for (const algorithm of ALGORITHMS) {
    const run = `${env}-${algorithm}-l0.5-${tag}`;
    const dir = join(out, `${run}-cost`);
    const metricsFile = join(dir, 'metrics.jsonl');
    const cpuFile = join(dir, 'cpu-seconds.json');
    const rlOf = () => readJsonLines(metricsFile).filter((m) => m.phase === 'rl');
    // A replay already in `out` with all its updates is read, not run again.
    if (rlOf().length < updates) {
      const argv = replayArgs(run);
      console.error(`$ node ${argv.join(' ')}`);
      // GNU time's user+system seconds: the CPU the replay used, whatever else the machine ran.
      const r = spawnSync('/usr/bin/time', ['-f', 'cpu_seconds=%U+%S', process.execPath, ...argv], {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      });
      const cpu = /cpu_seconds=([\d.]+)\+([\d.]+)/.exec(r.stderr ?? '');
      if (!existsSync(metricsFile)) {
        console.error(r.stdout?.slice(-2000), r.stderr?.slice(-2000));
        throw new Error(`${run}: the replay wrote no ${metricsFile} (exit ${r.status})`);
      }
      if (cpu) writeFileSync(cpuFile, JSON.stringify({ user: Number(cpu[1]), system: Number(cpu[2]) }));
    } else console.error(`${dir}: replayed before, read`);
    const rl = rlOf();
    const cpu = existsSync(cpuFile) ? JSON.parse(readFileSync(cpuFile, 'utf8')) : undefined;
    // metrics.jsonl counts env and optimizer steps cumulatively: per update is the difference.
    const perUpdate = (key) => rl.map((m, i) => m[key] - (i > 0 ? rl[i - 1][key] : 0));
    const optimizerSteps = perUpdate('optimizerSteps');
    rows.push({
      env,
      algorithm,
      updates: rl.length,
      rollout: median(rl.map((m) => m.rolloutSeconds)),
      optimizer: median(rl.map((m) => m.updateSeconds)),
      total: median(rl.map((m) => m.rolloutSeconds + m.updateSeconds)),
      envSteps: median(perUpdate('envSteps')),
      optimizerSteps: median(optimizerSteps),
      // CPU of the whole process (startup and loading included) spread over its updates.
      cpuPerUpdate: cpu ? (cpu.user + cpu.system) / rl.length : undefined,
      secondsPerOptimizerStep: median(rl.map((m, i) => m.updateSeconds / (optimizerSteps[i] || 1))),
    });
    console.error(JSON.stringify(rows.at(-1)));
  }
}

console.log(
  `Per update, median over ${updates} updates from the \`${tag}\` seed-1 warm starts (one replay at a time):\n`,
);
console.log(
  '| env | algorithm | rollout s | optimizer s | wall s (rollout + optimizer) | env steps | optimizer steps | optimizer s per step | CPU s (whole process / updates) |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.env} | ${r.algorithm} | ${r.rollout.toFixed(1)} | ${r.optimizer.toFixed(1)} | ${r.total.toFixed(1)} | ${r.envSteps} | ${r.optimizerSteps} | ${r.secondsPerOptimizerStep.toFixed(2)} | ${r.cpuPerUpdate?.toFixed(1) ?? '–'} |`,
  );
