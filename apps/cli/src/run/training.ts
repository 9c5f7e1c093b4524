import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isTrainablePolicy, OraclePolicy, RandomPolicy } from '@rl4vlm/policy';
import { RedisRollouts } from '@rl4vlm/rollout-redis';
import {
  buildOracleDataset,
  type EvalSummary,
  evaluate,
  findLatestCheckpoint,
  JsonLinesSink,
  makeTextEnvs,
  runSft,
  type TfTrainablePolicy,
  train,
} from '@rl4vlm/trainer';
import type { AppConfig } from '../config/index.js';
import { findOracle, type PluginRegistry, requireOracle } from '../plugins/index.js';
import { actionLabels, legalLabels } from '../setup.js';
import { writeGallery } from './gallery.js';
import type { ProgressReporter } from './progress.js';

/** One row of the before/after table. */
export interface ResultRow {
  stage: string;
  episodes: number;
  successRate: number;
  successLow: number;
  successHigh: number;
  meanReturn: number;
  formatErrorRate: number;
}

/** What a training run produced. */
export interface TrainingSummary {
  runDir: string;
  rows: ResultRow[];
  stopped: boolean;
  checkpoint?: string;
}

const row = (stage: string, s: EvalSummary): ResultRow => ({
  stage,
  episodes: s.episodes,
  successRate: s.successRate,
  successLow: s.successInterval.low,
  successHigh: s.successInterval.high,
  meanReturn: s.meanReturn,
  formatErrorRate: s.formatErrorRate,
});

function writeEval(file: string, summary: EvalSummary): void {
  const records = summary.records.map(({ frames: _frames, ...r }) => r);
  writeFileSync(file, `${JSON.stringify({ ...summary, records }, null, 2)}\n`);
}

/** The trainer's config: the app config without the app's own keys, with the run folder. */
function trainerConfig(config: AppConfig, runDir: string, withSft: boolean) {
  return {
    seed: config.seed,
    runDir,
    env: config.env,
    policy: config.policy,
    sft: withSft ? config.sft : undefined,
    ppo: config.ppo,
    eval: config.eval,
    checkpoint: config.checkpoint,
  };
}

/** What to do when an env has no oracle but the stages ask for SFT. */
const SFT_NEEDS_ORACLE =
  'The SFT stage writes its training data with the oracle; train without it: --stages ppo (or stages: [ppo] in the config)';

/** SFT alone: oracle data → supervised training → evaluation → the policy saved under `checkpoints/sft`. */
async function runSftOnly(
  config: AppConfig,
  registry: PluginRegistry,
  runDir: string,
  reporter?: ProgressReporter,
) {
  const oracle = requireOracle(registry, config.env.id, {
    text: config.env.text,
    kwargs: config.env.kwargs,
    hint: SFT_NEEDS_ORACLE,
  });
  const policy = await registry.policies.create(config.policy.id, {
    seed: config.seed,
    ...config.policy.options,
  });
  if (!isTrainablePolicy(policy))
    throw new Error(`Policy '${config.policy.id}' is not trainable, so it cannot be fine-tuned`);
  const [dataEnv] = makeTextEnvs(registry.envs, config.env, 1);
  const examples = await buildOracleDataset({
    env: dataEnv!,
    teacher: new OraclePolicy(oracle),
    noisePolicy:
      config.sft.data.noise > 0
        ? new RandomPolicy({ seed: config.seed, labels: legalLabels(registry, config.env) })
        : undefined,
    noise: config.sft.data.noise,
    episodes: config.sft.data.episodes,
    seed: config.seed,
    maxEpisodeSteps: config.sft.data.maxEpisodeSteps,
  });
  const sink = new JsonLinesSink(path.join(runDir, 'metrics.jsonl'));
  const evalEnvs = makeTextEnvs(registry.envs, config.env, config.eval.numEnvs);
  await runSft({
    policy: policy as TfTrainablePolicy,
    examples,
    config: config.sft.train,
    seed: config.seed,
    parse: evalEnvs[0]!.parse.bind(evalEnvs[0]!),
    sinks: [sink],
    onProgress: reporter?.onProgress,
    log: (m) => reporter?.log(m),
  });
  const summary = await evaluate({
    envs: evalEnvs,
    policy,
    config: config.eval,
    onProgress: reporter?.onProgress,
  });
  writeEval(path.join(runDir, 'eval-after-sft.json'), summary);
  sink.write({
    phase: 'eval',
    stage: 'after-sft',
    episodes: summary.episodes,
    successRate: summary.successRate,
  });
  const checkpoint = path.join(runDir, 'checkpoints', 'sft', 'policy');
  await policy.save(checkpoint);
  await policy.dispose?.();
  return { summary, checkpoint };
}

/** Cheap reference rows: the env's oracle (ceiling) and random legal actions (floor), on the same seeds. */
async function baselines(config: AppConfig, registry: PluginRegistry): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  const envs = makeTextEnvs(registry.envs, config.env, config.eval.numEnvs);
  const oracle = findOracle(registry, config.env.id, { text: config.env.text, kwargs: config.env.kwargs });
  try {
    rows.push(
      row(
        'random (floor)',
        await evaluate({
          envs,
          policy: await registry.policies.create('random', {
            seed: config.seed,
            labels: legalLabels(registry, config.env),
          }),
          config: config.eval,
        }),
      ),
    );
  } catch {
    // Envs without `legalActions` in info have no random baseline; the table simply omits it.
  }
  if (oracle) {
    rows.push(
      row(
        'oracle (ceiling)',
        await evaluate({
          envs,
          policy: await registry.policies.create('oracle', { oracle }),
          config: config.eval,
        }),
      ),
    );
  }
  return rows;
}

/**
 * The learner's side of `rollout: {backend: redis}`: workers build the run's env and policy from
 * these specs; each update's collection costs go to `rollouts.jsonl` in the run folder.
 */
function redisRollouts(config: AppConfig, runDir: string, reporter?: ProgressReporter) {
  const r = config.rollout;
  if (r.backend !== 'redis') return undefined;
  const weights =
    r.weights.store === 'redis'
      ? ({ kind: 'redis' } as const)
      : r.weights.store === 'file'
        ? ({ kind: 'file', dir: path.resolve(r.weights.dir!) } as const)
        : ({ kind: 'url', dir: path.resolve(r.weights.dir!), baseUrl: r.weights.baseUrl! } as const);
  return new RedisRollouts({
    connection: { url: r.url!, tls: r.tls },
    queue: r.queue,
    env: config.env,
    policy: { id: config.policy.id, options: { seed: config.seed, ...config.policy.options } },
    jobsPerUpdate: r.jobsPerUpdate,
    attempts: r.attempts,
    staleness: r.staleness,
    unreachableAfterMs: r.unreachableAfterSeconds * 1000,
    weights,
    log: (m) => reporter?.log(m),
    onStats: (s) => appendFileSync(path.join(runDir, 'rollouts.jsonl'), `${JSON.stringify(s)}\n`),
  });
}

/**
 * Runs the configured stages into `runDir` (SFT then PPO, either alone), writes the gallery of
 * evaluation episodes and returns the before/after rows. With `resume`, continues from the newest
 * checkpoint (SFT is not repeated).
 */
export async function runTraining({
  config,
  registry,
  runDir,
  resume = false,
  reporter,
  withBaselines = true,
  signal,
  stopAfterUpdates,
}: {
  config: AppConfig;
  registry: PluginRegistry;
  runDir: string;
  resume?: boolean;
  reporter?: ProgressReporter;
  withBaselines?: boolean;
  signal?: AbortSignal;
  /** Stop (with a checkpoint) after this many PPO updates of this call; `resume` continues. */
  stopAfterUpdates?: number;
}): Promise<TrainingSummary> {
  mkdirSync(runDir, { recursive: true });
  const wantsSft = config.stages.includes('sft');
  const wantsPpo = config.stages.includes('ppo');
  const rows: ResultRow[] = withBaselines ? await baselines(config, registry) : [];
  let stopped = false;
  let checkpoint: string | undefined;
  const evalRecords: { stage: string; records: EvalSummary['records'] }[] = [];
  if (!wantsPpo) {
    const { summary, checkpoint: saved } = await runSftOnly(config, registry, runDir, reporter);
    rows.push(row('after SFT', summary));
    evalRecords.push({ stage: 'after-sft', records: summary.records });
    checkpoint = saved;
  } else {
    const oracle = wantsSft
      ? requireOracle(registry, config.env.id, {
          text: config.env.text,
          kwargs: config.env.kwargs,
          hint: SFT_NEEDS_ORACLE,
        })
      : undefined;
    const rollouts = redisRollouts(config, runDir, reporter);
    const result = await train(trainerConfig(config, runDir, wantsSft), {
      policies: registry.policies,
      envs: registry.envs,
      oracle,
      noiseLabels: actionLabels(registry, config.env),
      onProgress: reporter?.onProgress,
      log: (m) => reporter?.log(m),
      resume,
      signal,
      handleSignals: true,
      stopAfterUpdates,
      collect: rollouts?.collect,
    }).finally(() => rollouts?.close());
    if (result.evalAfterSft) {
      rows.push(row('after SFT', result.evalAfterSft));
      evalRecords.push({ stage: 'after-sft', records: result.evalAfterSft.records });
    } else if (resume && existsSync(path.join(runDir, 'eval-after-sft.json'))) {
      // A resumed run did its SFT before it stopped: show that evaluation from the run folder.
      rows.push(row('after SFT', JSON.parse(readFileSync(path.join(runDir, 'eval-after-sft.json'), 'utf8'))));
    }
    if (result.evalFinal) {
      rows.push(row(wantsSft ? 'after SFT + PPO' : 'after PPO', result.evalFinal));
      evalRecords.push({ stage: 'final', records: result.evalFinal.records });
    }
    stopped = result.ppo.stopped;
    checkpoint = result.ppo.checkpointDir ?? findLatestCheckpoint(path.join(runDir, 'checkpoints'));
  }
  for (const { stage, records } of evalRecords) {
    await writeGallery(path.join(runDir, 'episodes', stage), records, {
      registry,
      env: config.env,
      count: config.gallery.episodes,
    });
  }
  const summary: TrainingSummary = { runDir, rows, stopped, checkpoint };
  writeFileSync(path.join(runDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** The policy id of a run's newest checkpoint (`tfjs:<dir>/policy`), for `eval --run`. */
export function runPolicyId(runDir: string): string | undefined {
  const latest = findLatestCheckpoint(path.join(runDir, 'checkpoints'));
  if (latest && existsSync(path.join(latest, 'policy'))) return `tfjs:${path.join(latest, 'policy')}`;
  const sft = path.join(runDir, 'checkpoints', 'sft', 'policy');
  return existsSync(sft) ? `tfjs:${sft}` : undefined;
}
