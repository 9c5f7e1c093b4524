import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { evaluate, makeTextEnvs } from '@rl4vlm/trainer';
import type { Command } from 'commander';
import { type AppConfig, validateAppConfig } from '../config/index.js';
import { createPluginRegistry, type PluginRegistry } from '../plugins/index.js';
import { addRemoteEnv } from '../plugins/remote-env.js';
import { writeGallery } from '../run/gallery.js';
import { assertWritable } from '../run/preflight.js';
import { ProgressReporter } from '../run/progress.js';
import { policyOnWorkers } from '../run/replicas.js';
import { findRun, readRunConfig } from '../run/run-folder.js';
import { runPolicyId } from '../run/training.js';
import { type CommonFlags, createPolicy, setup } from '../setup.js';
import { addEnvFlags, int, positiveInt, workersOption } from './env-flags.js';
import { resultsTable } from './train.js';

interface EvalFlags extends CommonFlags {
  run?: string;
  episodes?: number;
  temperature?: number;
  out?: string;
  gallery: number;
  workers?: number;
}

/** `rl4vlm eval`: seeded episodes with a policy → success rate, return, format errors; episodes with frames. */
export async function runEvalCommand(flags: EvalFlags, print: (s: string) => void = console.log) {
  const overrides: Record<string, unknown> = { eval: {} };
  if (flags.episodes !== undefined) (overrides.eval as any).episodes = flags.episodes;
  if (flags.temperature !== undefined) (overrides.eval as any).temperature = flags.temperature;
  if (flags.workers !== undefined) overrides.workers = flags.workers;
  let config: AppConfig;
  let registry: PluginRegistry;
  let policyId: string;
  let out: string;
  if (flags.run) {
    const run = findRun(flags.run);
    config = validateAppConfig(readRunConfig(run.dir), run.dir);
    registry = await createPluginRegistry({
      plugins: config.plugins,
      discover: config.discover,
      baseDir: run.dir,
    });
    await addRemoteEnv(registry, config.env.id);
    config = {
      ...config,
      eval: { ...config.eval, ...(overrides.eval as object) },
      workers: flags.workers ?? config.workers,
    };
    policyId = flags.policy ?? runPolicyId(run.dir) ?? '';
    if (!policyId) throw new Error(`Run ${run.dir} has no checkpoint yet; pass --policy`);
    out = flags.out ?? path.join(run.dir, 'eval');
  } else {
    ({ config, registry } = await setup(flags, overrides));
    policyId = flags.policy ?? config.policy.id;
    out = flags.out ?? 'eval-output';
  }
  // Found out before the evaluation, not after it.
  assertWritable(out);
  if (/^tfjs:(tiny|small)$/.test(policyId))
    process.stderr.write(
      `note: ${policyId} here is a fresh model with untrained weights${flags.policy ? '' : ' (no --policy given)'}; evaluate a trained one with --run <run> or --policy tfjs:<checkpoint dir>\n`,
    );
  const policy = await createPolicy(registry, policyId, config.env, {
    seed: config.seed,
    ...config.policy.options,
  });
  const envs = makeTextEnvs(registry.envs, config.env, config.eval.numEnvs);
  const onWorkers = await policyOnWorkers(registry, policyId, policy, config.workers, {
    seed: config.seed,
    ...config.policy.options,
  });
  print(`Evaluating ${policyId} on ${onWorkers.description}`);
  const reporter = new ProgressReporter();
  const summary = await evaluate({
    envs,
    policy: onWorkers.policy,
    config: config.eval,
    onProgress: reporter.onProgress,
  }).finally(async () => {
    reporter.stop();
    await onWorkers.close();
  });
  await policy.dispose?.();
  mkdirSync(out, { recursive: true });
  const records = summary.records.map(({ frames: _f, ...r }) => r);
  writeFileSync(
    path.join(out, 'eval.json'),
    `${JSON.stringify({ policy: policyId, env: config.env, ...summary, records }, null, 2)}\n`,
  );
  await writeGallery(path.join(out, 'episodes'), summary.records, {
    registry,
    env: config.env,
    count: flags.gallery,
  });
  print(
    resultsTable([
      {
        stage: policyId,
        episodes: summary.episodes,
        successRate: summary.successRate,
        successLow: summary.successInterval.low,
        successHigh: summary.successInterval.high,
        meanReturn: summary.meanReturn,
        formatErrorRate: summary.formatErrorRate,
      },
    ]),
  );
  print(
    `\nEpisodes and replies: ${path.join(out, 'eval.json')}; frames of the first ${flags.gallery}: ${path.join(out, 'episodes')}`,
  );
  return summary;
}

export function registerEval(program: Command): void {
  addEnvFlags(
    program
      .command('eval')
      .description('evaluate a policy on seeded episodes: success rate (95% CI), return, format-error rate'),
  )
    .option('--run <run>', "evaluate a run's newest checkpoint with the run's env settings")
    .option('-n, --episodes <n>', 'episodes (eval.episodes)', positiveInt)
    .option('--temperature <t>', '0 = greedy (eval.temperature)', Number)
    .option('-o, --out <dir>', 'output folder (default eval-output, or <run>/eval)')
    .option('--gallery <n>', 'episodes written with frames', int, 4)
    .addOption(workersOption())
    .addHelpText(
      'after',
      `
Examples:
  $ rl4vlm eval --env gym-cards/Blackjack-v0 --policy oracle -n 1000     # the optimal policy's win rate
  $ rl4vlm eval --env gym-cards/NumberLine-v0 --policy random
  $ rl4vlm eval --run runs/my-run -n 200                                 # a trained run's newest checkpoint`,
    )
    .action(async (flags: EvalFlags) => {
      await runEvalCommand(flags);
    });
}
