import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { type AppConfig, PRESETS, validateAppConfig } from '../config/index.js';
import { formatTable, num, percent } from '../format/table.js';
import { createPluginRegistry } from '../plugins/index.js';
import { addRemoteEnv } from '../plugins/remote-env.js';
import { writeReport } from '../report/index.js';
import { assertWritable, preflightTraining } from '../run/preflight.js';
import { ProgressReporter } from '../run/progress.js';
import { defaultRunName, findRun, readRunConfig, saveRunConfig } from '../run/run-folder.js';
import { acquireRunLock, LOCK_FILE } from '../run/run-lock.js';
import { type ResultRow, runTraining, type TrainingSummary } from '../run/training.js';
import { type CommonFlags, checkAlgorithm, setup } from '../setup.js';
import { addEnvFlags, positiveInt, workersOption } from './env-flags.js';

/**
 * Exit status of a run that stopped early with a checkpoint (Ctrl-C, SIGTERM, `--stop-after`):
 * EX_TEMPFAIL from sysexits.h, "try again later" — `rl4vlm resume` continues it.
 */
export const EXIT_STOPPED = 75;

/** The exit statuses `train` and `resume` document in `--help`. */
export const EXIT_STATUS_HELP = `
Exit status:
  0    finished: every stage and the final evaluation are done
  ${EXIT_STOPPED}   stopped early with a checkpoint (Ctrl-C, SIGTERM or --stop-after); \`rl4vlm resume\` continues it
  1    error (bad config, locked or damaged run folder, disk full, …); the message says what and where
  130  a second Ctrl-C: quit at once, without writing a checkpoint

The first Ctrl-C (or SIGTERM) is acknowledged and stops at the next step boundary (an SFT step,
a PPO update or a rollout step), writing a checkpoint. A run folder is locked (run.lock) while a
process trains in it.`;

interface TrainFlags extends CommonFlags {
  name?: string;
  stages?: string;
  updates?: number;
  runsDir?: string;
  force?: boolean;
  report: boolean;
  baselines: boolean;
  stopAfter?: number;
  algorithm?: string;
  workers?: number;
}

/** Prints the before/after table. */
export function resultsTable(rows: readonly ResultRow[]): string {
  return formatTable(
    ['policy', 'episodes', 'success', '95% CI', 'mean return', 'format errors'],
    rows.map((r) => [
      r.stage,
      String(r.episodes),
      percent(r.successRate),
      `${percent(r.successLow)}–${percent(r.successHigh)}`,
      num(r.meanReturn, 3),
      percent(r.formatErrorRate),
    ]),
  );
}

async function finish(summary: TrainingSummary, report: boolean, print: (s: string) => void): Promise<void> {
  print(`\n${resultsTable(summary.rows)}`);
  if (summary.stopped) print(`\nStopped early; continue with: rl4vlm resume ${summary.runDir}`);
  if (summary.checkpoint) print(`Checkpoint: ${summary.checkpoint}`);
  if (report) {
    const { html, png } = writeReport(summary.runDir);
    print(`Report: ${html}\nCurves: ${png}`);
  }
}

/** `rl4vlm train`: resolve the config, make the run folder, train, print the table and write the report. */
export async function runTrainCommand(
  flags: TrainFlags,
  print: (s: string) => void = console.log,
): Promise<TrainingSummary> {
  const overrides: Record<string, unknown> = {};
  if (flags.name) overrides.name = flags.name;
  if (flags.runsDir) overrides.runsDir = flags.runsDir;
  if (flags.stages) overrides.stages = flags.stages.split(',').map((s) => s.trim());
  if (flags.updates !== undefined) overrides.ppo = { numUpdates: flags.updates };
  if (flags.algorithm) overrides.algorithm = flags.algorithm;
  if (flags.workers !== undefined) overrides.workers = flags.workers;
  const { config, baseDir, registry } = await setup(flags, overrides);
  const name = config.name ?? defaultRunName(config.env.id);
  const runDir = path.resolve(config.runsDir, name);
  // Everything is checked before the folder exists: a typo leaves nothing behind.
  await preflightTraining(config, registry);
  assertWritable(runDir);
  const hasRun = ['metrics.jsonl', 'rl4vlm.config.json'].some((f) => existsSync(path.join(runDir, f)));
  if (hasRun && !flags.force) {
    throw new Error(
      `Run folder ${runDir} already has a run. Continue it with \`rl4vlm resume ${runDir}\`, pick another --name, or pass --force to start over`,
    );
  }
  mkdirSync(runDir, { recursive: true });
  const release = acquireRunLock(runDir);
  try {
    // --force starts over: an old run's metrics, checkpoints and evaluations must not mix with the
    // new run's (appending to the old metrics.jsonl made one run's curves show two). Only a folder
    // that holds a run, and that no live process holds, is emptied.
    if (hasRun)
      for (const entry of readdirSync(runDir))
        if (entry !== LOCK_FILE) rmSync(path.join(runDir, entry), { recursive: true, force: true });
    return await trainInLockedFolder(flags, { config, baseDir, registry }, name, runDir, print);
  } finally {
    release();
  }
}

async function trainInLockedFolder(
  flags: TrainFlags,
  { config, baseDir, registry }: Awaited<ReturnType<typeof setup>>,
  name: string,
  runDir: string,
  print: (s: string) => void,
): Promise<TrainingSummary> {
  const saved = saveRunConfig(runDir, { ...config, name }, baseDir);
  print(
    `Run ${name}: ${config.stages.join(' → ')} on ${config.env.id} with ${config.policy.id}${config.stages.includes('ppo') ? `, algorithm ${config.algorithm}` : ''}\nRun folder: ${runDir} (resolved config in rl4vlm.config.yaml)`,
  );
  const reporter = new ProgressReporter();
  try {
    const summary = await runTraining({
      config: saved,
      registry,
      runDir,
      reporter,
      withBaselines: flags.baselines,
      stopAfterUpdates: flags.stopAfter,
    });
    reporter.stop();
    await finish(summary, flags.report, print);
    return summary;
  } finally {
    reporter.stop();
  }
}

/** `rl4vlm resume <run>`: continue a run from its newest checkpoint with its saved config. */
export async function runResumeCommand(
  ref: string,
  flags: { runsDir?: string; report: boolean; algorithm?: string; workers?: number },
  print: (s: string) => void = console.log,
): Promise<TrainingSummary> {
  const run = findRun(ref, flags.runsDir);
  const saved = readRunConfig(run.dir);
  const configFile = path.join(run.dir, 'rl4vlm.config.json');
  const config: AppConfig = validateAppConfig(
    {
      ...saved,
      ...(flags.algorithm ? { algorithm: flags.algorithm } : {}),
      // The worker count is not part of the results: a run may resume with another.
      ...(flags.workers !== undefined ? { workers: flags.workers } : {}),
    },
    configFile,
  );
  const registry = await createPluginRegistry({
    plugins: config.plugins,
    discover: config.discover,
    baseDir: run.dir,
  });
  await addRemoteEnv(registry, config.env.id);
  registry.envSpec(config.env.id);
  checkAlgorithm(registry, config);
  if (flags.algorithm && flags.algorithm !== (saved.algorithm ?? 'ppo')) {
    // Allowed only before the RL stage wrote a checkpoint (e.g. a run stopped after SFT); the
    // trainer refuses to continue one algorithm's checkpoint with another, naming both.
    saveRunConfig(run.dir, config, run.dir);
  }
  const runDir = path.resolve(run.dir);
  assertWritable(runDir);
  const release = acquireRunLock(runDir);
  const reporter = new ProgressReporter();
  try {
    const finished = finishedSummary(runDir);
    if (finished) {
      print(`Run ${run.name} is finished (its final evaluation is in eval-final.json): nothing to resume.`);
      print(`\n${resultsTable(finished.rows)}`);
      return finished;
    }
    print(`Resuming ${run.name} from ${run.dir}`);
    const summary = await runTraining({ config, registry, runDir, resume: true, reporter });
    reporter.stop();
    await finish(summary, flags.report, print);
    return summary;
  } finally {
    reporter.stop();
    release();
  }
}

/** The summary of a run that finished (not stopped early), or `undefined`. */
function finishedSummary(runDir: string): TrainingSummary | undefined {
  try {
    const summary = JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as TrainingSummary;
    return summary.stopped === false ? summary : undefined;
  } catch {
    return undefined;
  }
}

const presetList = Object.entries(PRESETS)
  .map(([k, p]) => `  ${k.padEnd(11)} ${p.description}`)
  .join('\n');

export function registerTrain(program: Command): void {
  addEnvFlags(
    program
      .command('train')
      .description('train a VLM agent: SFT warm start on oracle transcripts, then PPO (or either alone)'),
  )
    .option('-n, --name <name>', 'run name (folder runs/<name>)')
    .option('--runs-dir <dir>', 'where run folders go (default runs)')
    .option('--stages <list>', 'sft,ppo (default) | sft | ppo')
    .option('--updates <n>', 'RL updates (ppo.numUpdates)', positiveInt)
    .option(
      '--algorithm <id>',
      "RL algorithm: ppo (default), grpo, rloo, gigpo, or a plugin's (see `rl4vlm plugins list`)",
    )
    .option('--force', 'overwrite an existing run folder')
    .option(
      '--stop-after <n>',
      'stop with a checkpoint after n PPO updates (continue with `rl4vlm resume`)',
      positiveInt,
    )
    .option('--no-report', 'do not write report.html at the end')
    .option('--no-baselines', 'skip the oracle and random reference rows')
    .addOption(workersOption())
    .addHelpText(
      'after',
      `
Presets (--preset; the paper's settings adapted to the tiny model, see the README):
${presetList}

Config keys are those of the trainer (seed, env, policy, sft, algorithm, algorithms, ppo, eval,
checkpoint) plus name,
runsDir, plugins, discover, stages, gallery. Flags override the config file; --set overrides anything.

Examples:
  $ rl4vlm train --preset numberline                          # SFT then PPO on NumberLine, tfjs:tiny
  $ rl4vlm train --preset numberline --stages ppo --updates 10
  $ rl4vlm train --preset numberline --algorithm gigpo --set algorithms.gigpo.groupSize=8
  $ rl4vlm train --config my-run.yaml --set ppo.thoughtCoef=0.2 --name lambda-0.2
  $ rl4vlm train --preset smoke --plugin rl4vlm-plugin-tic-tac-toe --env tictactoe/TicTacToe-v0`,
    )
    .addHelpText('after', EXIT_STATUS_HELP)
    .action(async (flags: TrainFlags) => {
      const summary = await runTrainCommand(flags);
      if (summary.stopped) process.exitCode = EXIT_STOPPED;
    });

  program
    .command('resume <run>')
    .description('continue a stopped run from its newest checkpoint, with the config saved in its folder')
    .option('--runs-dir <dir>', 'where to look for <run> by name', 'runs')
    .option('--algorithm <id>', 'continue with this algorithm (only before the RL stage has a checkpoint)')
    .option('--no-report', 'do not write report.html at the end')
    .addOption(workersOption())
    .addHelpText(
      'after',
      `
It says which checkpoint it continues from (mid-SFT too), skips a damaged one naming why, and
refuses when none is intact rather than start over. Metrics continue the same metrics.jsonl;
lines written after the checkpoint are dropped. A finished run is not run again.

Examples:
  $ rl4vlm resume NumberLine-v0-20250101-120000
  $ rl4vlm resume runs/my-run`,
    )
    .addHelpText('after', EXIT_STATUS_HELP)
    .action(
      async (
        ref: string,
        flags: { runsDir?: string; report: boolean; algorithm?: string; workers?: number },
      ) => {
        const summary = await runResumeCommand(ref, flags);
        if (summary.stopped) process.exitCode = EXIT_STOPPED;
      },
    );
}
