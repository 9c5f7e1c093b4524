// Runs bench.mjs on an old build and on this build alternately (old, new, old, new, …), each in a
// fresh process, and prints the per-CPU-second rates of every run and the new/old ratio per pair.
// Usage: node bench/compare.mjs --old DIR [--new-dist DIR] [--pairs 3] [--old-trainer DIR --new-trainer DIR]
//          [any bench.mjs option, e.g. --preset small]
// --old-trainer/--new-trainer: train each side with that @rl4vlm/trainer build's Adam (bench.mjs --trainer),
// so the training step is the one a training run of that commit takes.
// (--new-dist, not --new: bench.mjs's --new is the number of new tokens and is passed through.)
// DIR holds the old build's dist/ (or is that dist/ itself). Make it before changing the code:
//   mkdir -p /tmp/policy-tfjs-old && cp -r dist /tmp/policy-tfjs-old/
// or from a commit: git worktree add /tmp/old <rev>; cd /tmp/old; pnpm install --offline; pnpm build
// and pass --old /tmp/old/packages/policy-tfjs. A copy without node_modules/ gets a link to this
// package's, so its imports resolve.
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDist } from './common.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const take = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const [, value] = args.splice(i, 2);
  return value;
};
const oldArg = take('old');
if (!oldArg) throw new Error('compare.mjs needs --old DIR (a directory with the old build’s dist/)');
const newArg = take('new-dist');
const oldTrainer = take('old-trainer');
const newTrainer = take('new-trainer');
if (Boolean(oldTrainer) !== Boolean(newTrainer))
  throw new Error('compare.mjs: give both --old-trainer and --new-trainer, or neither');
const pairs = Number(take('pairs', 3));
const oldDist = buildDist(oldArg);
const newDist = newArg ? buildDist(newArg) : undefined;

const run = (dist, trainer) => {
  const out = execFileSync(
    process.execPath,
    [
      path.join(here, 'bench.mjs'),
      '--no-recompute',
      ...(dist ? ['--dist', dist] : []),
      ...(trainer ? ['--trainer', trainer] : []),
      ...args,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return JSON.parse(out.slice(out.indexOf('{')));
};
const rows = [];
for (let p = 0; p < pairs; p++) {
  const old = run(oldDist, oldTrainer);
  const now = run(newDist, newTrainer);
  rows.push({ old, now });
  const f = (r) => `gen ${r.perCpuSecond.generatedTokensKvCache} · train ${r.perCpuSecond.trainedTokens}`;
  console.error(`pair ${p + 1}: old ${f(old)} | new ${f(now)} (load ${now.loadAverage})`);
}
const ratio = (key) => rows.map(({ old, now }) => now.perCpuSecond[key] / old.perCpuSecond[key]);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gen = ratio('generatedTokensKvCache');
const train = ratio('trainedTokens');
console.log(
  JSON.stringify(
    {
      cpu: cpus()[0]?.model,
      preset: rows[0].now.preset,
      optimizer: rows[0].now.optimizer,
      batch: rows[0].now.batch,
      perCpuSecond: rows.map(({ old, now }) => ({
        old: { generated: old.perCpuSecond.generatedTokensKvCache, trained: old.perCpuSecond.trainedTokens },
        new: { generated: now.perCpuSecond.generatedTokensKvCache, trained: now.perCpuSecond.trainedTokens },
      })),
      ratioGenerated: gen.map((x) => Number(x.toFixed(2))),
      ratioTrained: train.map((x) => Number(x.toFixed(2))),
      medianRatio: { generated: Number(median(gen).toFixed(2)), trained: Number(median(train).toFixed(2)) },
    },
    null,
    2,
  ),
);
