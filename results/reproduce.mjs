#!/usr/bin/env node
/**
 * Reproduces one row of RESULTS.md end to end with the project's own CLI:
 *
 *   node results/reproduce.mjs <env> [--seed N] [--lambda L] [--no-cot] [--stage all|sft|ppo] [--eval N] [--lr X]
 *                                    [--updates N] [--algorithm ppo|grpo|rloo|gigpo|<plugin's>] [--preset P] [--set key=value ... --tag T]
 *
 * <env>: numberline | ezpoints | points24 | blackjack | alfworld (the household engine; per task type:
 *   `node results/alfworld-by-type.mjs --references 1000 results/runs/alf-sft/eval-after-sft.json results/runs/alf-ppo-l0.2/eval-final.json`).
 *   1. SFT warm start on noisy oracle transcripts → results/runs/<short>-sft[-nocot][-sN]
 *      (evaluated: the "SFT only" row), checkpoint in checkpoints/sft/policy;
 *   2. PPO from that checkpoint → results/runs/<short>-ppo-l<λ>[-nocot][-sN] (the "SFT + PPO" row);
 *   3. `rl4vlm report` on both runs (report.html, curves.png).
 * The λ ablation re-runs step 2 only (`--stage ppo --lambda 0.2`), from the same SFT checkpoint;
 * `--updates N` replaces the env's PPO budget below (N updates, cosine over N; the PPO run is named `…-uN`).
 * `--algorithm A` trains step 2 with another RL algorithm from the same SFT checkpoint (run `<short>-<A>-l<λ>…`;
 * group settings with `--set algorithms.<A>.groups=N` etc. and a `--tag`). For the algorithm comparison
 * of RESULTS.md, run every algorithm from the same `--stage sft` checkpoint per seed:
 *   for a in ppo grpo rloo gigpo; do node results/reproduce.mjs numberline --stage ppo --seed 2 --algorithm $a; done
 * `--set key=value` passes a config override to both stages (a variant of the preset); `--tag T`
 * names the variant's runs (`<short>-sft-T`, `<short>-ppo-l<λ>-T`). `--preset P` starts both stages
 * from another CLI preset of the same env (e.g. `points24-plan`); it too needs a `--tag`.
 * `--sft NAME` takes the warm start from results/runs/NAME instead of the default name (e.g. the
 * `nl-sft-e20` runs of RESULTS.md's main table). Group algorithms (grpo, rloo, gigpo) get the env's
 * `groups` shape below, sized so an update uses about as many env steps as a PPO update.
 * `--skip-done` skips a stage whose run already finished (its summary.json says it was not stopped) and
 * continues one that was interrupted (it has a checkpoint, mid-SFT included) with `rl4vlm resume` instead of training it
 * again, so a queue of runs can be stopped and started again without losing or redoing work; a run
 * another process is training (its run.lock is live) is skipped too.
 * `--workers N` sets the policy replicas per run (default 1: the queues run two runs at a time).
 * Every command is printed and appended to results/commands.log; output goes to results/logs/.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'apps/cli/bin/rl4vlm.js');

/**
 * Per-env settings on top of the CLI preset (see RESULTS.md "Settings"). EZPoints runs 3 PPO updates
 * instead of the preset's 6: what fit the first 90-minute, 2-shared-core budget. `tokens` is the generation
 * limit for rollouts, evaluation and SFT held-out generations: the presets' 64 cuts the EZPoints,
 * Points24 and Blackjack chains of thought before their `"action":` key (oracle replies are 71–111
 * `tfjs:tiny` tokens), which makes every reply a format error.
 */
const ENVS = {
  numberline: {
    short: 'nl',
    preset: 'numberline',
    tokens: 64,
    ppo: ['--updates', '10', '--set', 'ppo.schedule.cosineSteps=10'],
    // 7 seeds × 4 copies × ≈2.3 steps ≈ 64 env steps per update, PPO's 4 envs × 16 steps
    groups: { groups: 7, groupSize: 4, maxEpisodeSteps: 12 },
  },
  ezpoints: {
    short: 'ezp',
    preset: 'ezpoints',
    tokens: 96,
    ppo: ['--updates', '3', '--set', 'ppo.schedule.cosineSteps=3'],
    // 8 seeds × 4 copies × ≈4.1 steps ≈ 130 env steps per update, PPO's 4 envs × 32 steps
    groups: { groups: 8, groupSize: 4, maxEpisodeSteps: 12 },
  },
  points24: {
    short: 'p24',
    preset: 'points24',
    tokens: 128,
    ppo: [],
    // 4 seeds × 4 copies × ≈7–8 steps (the plan oracle's mean is 7.07) ≈ 120 env steps per update, PPO's 4 envs × 32 steps
    groups: { groups: 4, groupSize: 4, maxEpisodeSteps: 16 },
  },
  blackjack: {
    short: 'bj',
    preset: 'blackjack',
    tokens: 160,
    ppo: [], // the preset's own budget (10 updates of 16×16 steps, lr 3e-5)
    // 40 seeds × 4 copies × ≈1.6 steps ≈ 256 env steps per update, PPO's 16 envs × 16 steps
    groups: { groups: 40, groupSize: 4, maxEpisodeSteps: 12 },
  },
  alfworld: {
    short: 'alf',
    preset: 'alfworld',
    lambda: 0.2,
    tokens: 144, // the search expert's longest reply is 138 tiny tokens with EOS
    ppo: [], // the preset's own budget (8 updates of 8×32 steps, lr 3e-5)
    // 6 seeds × 4 copies × ≈10 steps (the search expert's mean) ≈ 240 env steps per update, PPO's 8 envs × 32 steps
    groups: { groups: 6, groupSize: 4, maxEpisodeSteps: 50 },
  },
};

function usage(message) {
  if (message) console.error(`error: ${message}`);
  console.error(
    'usage: node results/reproduce.mjs <numberline|ezpoints|points24|blackjack|alfworld> [--seed N] [--lambda L] [--no-cot] [--stage all|sft|ppo] [--eval N] [--lr X] [--updates N] [--algorithm A] [--sft NAME] [--skip-done] [--workers N] [--preset P] [--set key=value ...] [--tag T]',
  );
  process.exit(2);
}

const args = process.argv.slice(2);
const envName = args.shift();
if (!envName || !(envName in ENVS))
  usage(`unknown env '${envName ?? ''}'; allowed: ${Object.keys(ENVS).join(', ')}`);
let seed = 1;
let lambda;
let cot = true;
let stage = 'all';
let evalEpisodes = 200;
let lr;
const overrides = [];
let tag = '';
let updates;
let algorithm = 'ppo';
let workerCount = '1';
let sftOverride;
let skipDone = false;
let preset;
while (args.length > 0) {
  const flag = args.shift();
  const value = () => {
    const v = args.shift();
    if (v === undefined) usage(`${flag} needs a value`);
    return v;
  };
  if (flag === '--seed') seed = Number.parseInt(value(), 10);
  else if (flag === '--lambda') lambda = Number(value());
  else if (flag === '--no-cot') cot = false;
  else if (flag === '--stage') stage = value();
  else if (flag === '--eval') evalEpisodes = Number.parseInt(value(), 10);
  else if (flag === '--lr') lr = Number(value());
  else if (flag === '--set') overrides.push('--set', value());
  else if (flag === '--tag') tag = value();
  else if (flag === '--updates') updates = Number.parseInt(value(), 10);
  else if (flag === '--algorithm') algorithm = value();
  else if (flag === '--sft') sftOverride = value();
  else if (flag === '--skip-done') skipDone = true;
  else if (flag === '--workers') workerCount = value();
  else if (flag === '--preset') preset = value();
  else usage(`unknown option '${flag}'`);
}
if (!Number.isInteger(seed)) usage('--seed must be an integer');
if (lambda !== undefined && !(lambda >= 0 && lambda <= 1)) usage('--lambda must be in [0, 1]');
if (!['all', 'sft', 'ppo'].includes(stage)) usage(`--stage must be all, sft or ppo (got '${stage}')`);
if (!(evalEpisodes > 0)) usage('--eval must be a positive integer');
if (lr !== undefined && !(lr > 0)) usage('--lr must be a positive number');
if (updates !== undefined && !(updates > 0)) usage('--updates must be a positive integer');

const env = ENVS[envName];
// The paper's CoT coefficient: 0.5 for gym-cards, 0.2 for ALFWorld (`lambda` in ENVS).
lambda ??= env.lambda ?? 0.5;
if (overrides.length > 0 && !tag) usage('--set makes a variant of the preset: name it with --tag');
if (preset !== undefined && !tag)
  usage(`--preset ${preset} makes a variant of the ${env.preset} row: name it with --tag`);
if (preset !== undefined && !preset.startsWith(env.preset))
  usage(`--preset must be a preset of ${envName} (a name starting with '${env.preset}'), got '${preset}'`);
const suffix = `${tag ? `-${tag}` : ''}${cot ? '' : '-nocot'}${seed === 1 ? '' : `-s${seed}`}`;
const sftName = sftOverride ?? `${env.short}-sft${suffix}`;
if (sftOverride !== undefined && stage !== 'ppo')
  usage('--sft names an existing warm start: use it with --stage ppo');
if (!/^[a-z][a-z0-9_-]*$/.test(algorithm))
  usage(`--algorithm must be an algorithm id such as gigpo (got '${algorithm}')`);
// PPO runs keep their names (`nl-ppo-l0.5`), so RESULTS.md's existing rows still point at them.
const ppoName = `${env.short}-${algorithm}-l${lambda}${lr === undefined ? '' : `-lr${lr}`}${updates === undefined ? '' : `-u${updates}`}${sftOverride === undefined ? suffix : `-from-${sftOverride}${seed === 1 || sftOverride.endsWith(`-s${seed}`) ? '' : `-seed${seed}`}`}`;
const groupShape =
  algorithm === 'ppo' || !env.groups
    ? []
    : Object.entries(env.groups).flatMap(([k, v]) => ['--set', `algorithms.${algorithm}.${k}=${v}`]);
const ppoBudget =
  updates === undefined
    ? env.ppo
    : ['--updates', String(updates), '--set', `ppo.schedule.cosineSteps=${updates}`];
const runsDir = 'results/runs';
const common = [
  '--preset',
  preset ?? env.preset,
  '--seed',
  String(seed),
  '--set',
  `env.text.cot=${cot}`,
  '--set',
  `eval.episodes=${evalEpisodes}`,
  '--set',
  'eval.numEnvs=32',
  '--set',
  `eval.maxNewTokens=${env.tokens}`,
  '--set',
  `ppo.generate.maxNewTokens=${env.tokens}`,
  '--set',
  `sft.train.maxNewTokens=${env.tokens}`,
  '--runs-dir',
  runsDir,
  '--no-baselines',
  '--force',
  ...overrides,
];

/**
 * 'done' (summary.json of a run that was not stopped), 'running' (another process holds its
 * run.lock), 'interrupted' (a checkpoint to resume from) or 'new'.
 */
function runState(name) {
  const dir = join(root, runsDir, name);
  try {
    process.kill(JSON.parse(readFileSync(join(dir, 'run.lock'), 'utf8')).pid, 0);
    return 'running';
  } catch {
    // no lock, a damaged one, or its process is gone: the run is not running
  }
  const summary = join(dir, 'summary.json');
  if (existsSync(summary)) {
    try {
      if (JSON.parse(readFileSync(summary, 'utf8')).stopped === false) return 'done';
    } catch {
      console.error(`${summary} is damaged; treating ${name} as interrupted`);
    }
  }
  // Any checkpoint counts: a run stopped mid-SFT has `sft-step-…` folders but no latest.json
  // (that names RL updates only), and `rl4vlm resume` continues from either.
  const checkpoints = join(dir, 'checkpoints');
  return existsSync(checkpoints) && readdirSync(checkpoints).length > 0 ? 'interrupted' : 'new';
}

// One policy replica per run by default: the queues run two runs at a time, one per core, which
// uses the cores better than two workers per run (BENCHMARKS.md, issue 15). `--workers N` overrides it.
const workers = ['--workers', workerCount];

function run(name, cliArgs) {
  const state = skipDone ? runState(name) : 'new';
  if (state === 'done') {
    console.log(`${name}: finished before (summary.json), skipped`);
    return;
  }
  if (state === 'running') {
    console.log(`${name}: running in another process (run.lock), skipped`);
    return;
  }
  // An interrupted run continues from its newest checkpoint with the config saved in its folder.
  const full =
    state === 'interrupted'
      ? ['resume', name, '--runs-dir', runsDir, ...workers]
      : ['train', '-n', name, ...cliArgs, ...workers];
  const line = `node apps/cli/bin/rl4vlm.js ${full.join(' ')}`;
  mkdirSync(join(root, 'results/logs'), { recursive: true });
  appendFileSync(join(root, 'results/commands.log'), `${new Date().toISOString()} ${line}\n`);
  console.log(`$ ${line}`);
  // A resumed run appends to its log, so the log keeps every call's wall_seconds.
  const log = openSync(join(root, 'results/logs', `${name}.log`), state === 'interrupted' ? 'a' : 'w');
  const started = Date.now();
  const r = spawnSync(process.execPath, [cli, ...full], { cwd: root, stdio: ['ignore', log, log] });
  const seconds = (Date.now() - started) / 1000;
  appendFileSync(join(root, 'results/logs', `${name}.log`), `\nwall_seconds=${seconds.toFixed(0)}\n`);
  if (r.status !== 0) {
    console.error(`${name} failed (exit ${r.status}); see results/logs/${name}.log`);
    process.exit(r.status ?? 1);
  }
  spawnSync(process.execPath, [cli, 'report', join(runsDir, name)], { cwd: root, stdio: 'inherit' });
  console.log(`${name}: ${seconds.toFixed(0)} s wall`);
}

if (stage !== 'ppo') run(sftName, [...common, '--stages', 'sft']);
if (stage !== 'sft') {
  const checkpoint = join(runsDir, sftName, 'checkpoints/sft/policy');
  if (!existsSync(join(root, checkpoint)))
    usage(`no SFT checkpoint at ${checkpoint}: run with --stage sft first`);
  run(ppoName, [
    ...common,
    '--stages',
    'ppo',
    '--policy',
    `tfjs:${checkpoint}`,
    '--set',
    `ppo.thoughtCoef=${lambda}`,
    '--algorithm',
    algorithm,
    ...ppoBudget,
    ...groupShape,
    ...(lr === undefined ? [] : ['--set', `ppo.schedule.lr=${lr}`]),
  ]);
}
