import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isTrainablePolicy } from '@rl4vlm/policy';
import { RedisRollouts } from '@rl4vlm/rollout-redis';
import {
  describeResumePlan,
  type EvalSummary,
  evaluate,
  findLatestCheckpoint,
  isRlRecord,
  JsonLinesSink,
  type MetricsSink,
  makeTextEnvs,
  oracleDatasetFromConfig,
  planResume,
  runSft,
  StopFlag,
  type TfTrainablePolicy,
  train,
} from '@rl4vlm/trainer';
import type { AppConfig } from '../config/index.js';
import { findOracle, type PluginRegistry, requireOracle } from '../plugins/index.js';
import { actionLabels, legalLabels } from '../setup.js';
import { writeGallery } from './gallery.js';
import type { ProgressReporter } from './progress.js';
import { policyOnWorkers } from './replicas.js';

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
    workers: config.workers,
    sft: withSft ? config.sft : undefined,
    algorithm: config.algorithm,
    algorithms: config.algorithms,
    ppo: config.ppo,
    eval: config.eval,
    checkpoint: config.checkpoint,
  };
}

/** What to do when an env has no oracle but the stages ask for SFT. */
const SFT_NEEDS_ORACLE =
  'The SFT stage writes its training data with the oracle; train without it: --stages ppo (or stages: [ppo] in the config)';

/** The oracle of the configured env, which writes the SFT data; throws, saying how to train without SFT, when it has none. */
export function requireSftOracle(registry: PluginRegistry, config: AppConfig) {
  return requireOracle(registry, config.env.id, {
    text: config.env.text,
    kwargs: config.env.kwargs,
    hint: SFT_NEEDS_ORACLE,
  });
}

/** SFT alone: oracle data → supervised training → evaluation → the policy saved under `checkpoints/sft`. */
async function runSftOnly(
  config: AppConfig,
  registry: PluginRegistry,
  runDir: string,
  { reporter, stop, resume }: { reporter?: ProgressReporter; stop: StopFlag; resume: boolean },
) {
  const log = (m: string) => (reporter ? reporter.log(m) : process.stderr.write(`${m}\n`));
  const plan = resume ? planResume(runDir) : undefined;
  if (plan) for (const line of describeResumePlan(plan)) log(line);
  const resumeFrom = plan?.from === 'sft' ? plan : undefined;
  const oracle = requireSftOracle(registry, config);
  const policy = await registry.policies.create(config.policy.id, {
    seed: config.seed,
    ...config.policy.options,
  });
  if (!isTrainablePolicy(policy))
    throw new Error(`Policy '${config.policy.id}' is not trainable, so it cannot be fine-tuned`);
  const [dataEnv] = makeTextEnvs(registry.envs, config.env, 1);
  const examples = await oracleDatasetFromConfig({
    env: dataEnv!,
    oracle,
    data: config.sft.data,
    runSeed: config.seed,
    noiseLabels: legalLabels(registry, config.env),
  });
  const sink = new JsonLinesSink(path.join(runDir, 'metrics.jsonl'));
  if (plan) {
    const epoch = resumeFrom?.state.epoch ?? 0;
    sink.keepOnly(
      (r) => (r.phase === 'sft' || r.phase === 'workers') && typeof r.epoch === 'number' && r.epoch < epoch,
    );
  }
  const evalEnvs = makeTextEnvs(registry.envs, config.env, config.eval.numEnvs);
  const onWorkers = await policyOnWorkers(registry, config.policy.id, policy, config.workers, {
    seed: config.seed,
    ...config.policy.options,
  });
  log(`workers: ${onWorkers.description}`);
  try {
    const sft = await runSft({
      replicas: onWorkers.replicas,
      policy: policy as TfTrainablePolicy,
      examples,
      config: config.sft.train,
      seed: config.seed,
      parse: evalEnvs[0]!.parse.bind(evalEnvs[0]!),
      sinks: [sink],
      onProgress: reporter?.onProgress,
      log,
      stop,
      checkpoint: { dir: path.join(runDir, 'checkpoints') },
      resumeFrom: resumeFrom?.dir,
    });
    if (sft.stopped) {
      await policy.dispose?.();
      return { stopped: true, checkpoint: sft.checkpointDir };
    }
    const summary = await evaluate({
      envs: evalEnvs,
      policy: onWorkers.policy,
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
    return { summary, checkpoint, stopped: false };
  } finally {
    await onWorkers.close();
  }
}

/** Where a run keeps its reference rows, so a resumed run's table still has them. */
const BASELINES_FILE = 'baselines.json';

/** The run's reference rows: read from `baselines.json`, else computed (when wanted) and saved there. */
async function runBaselines(
  config: AppConfig,
  registry: PluginRegistry,
  runDir: string,
  wanted: boolean,
): Promise<ResultRow[]> {
  const file = path.join(runDir, BASELINES_FILE);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as ResultRow[];
  const rows = wanted ? await baselines(config, registry) : [];
  writeFileSync(file, `${JSON.stringify(rows, null, 2)}\n`);
  return rows;
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

/** One line per RL update (numbered like the progress bar, from 1): how the rollout went. */
function updateLines(numUpdates: number, log: (line: string) => void): MetricsSink {
  const pct = (x: unknown) => (typeof x === 'number' ? `${(100 * x).toFixed(1)}%` : 'n/a');
  return {
    write: (r) => {
      if (!isRlRecord(r) || typeof r.update !== 'number') return;
      const ret = typeof r.meanReturn === 'number' ? r.meanReturn.toFixed(3) : 'n/a';
      log(
        `RL update ${r.update + 1}/${numUpdates}: success ${pct(r.successRate)} (last ${r.episodes} episodes; window ${pct(r.successRateWindow)}), return ${ret}, format errors ${pct(r.formatErrorRate)}`,
      );
    },
  };
}

/** What the first Ctrl-C prints: the run heard it, and what happens next. */
export const STOP_ACKNOWLEDGEMENT =
  'Stopping at the next step boundary and writing a checkpoint (Ctrl-C again quits at once, losing the work since the last checkpoint)…';

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

/** What {@link runTraining} runs. */
export interface TrainingOptions {
  config: AppConfig;
  registry: PluginRegistry;
  runDir: string;
  /** Continue from the newest intact checkpoint in `runDir` (default false). */
  resume?: boolean;
  reporter?: ProgressReporter;
  /** Evaluate the random and oracle baselines first (default true). */
  withBaselines?: boolean;
  signal?: AbortSignal;
  /** Stop (with a checkpoint) after this many PPO updates of this call; `resume` continues. */
  stopAfterUpdates?: number;
}

/**
 * Runs the configured stages into `runDir` (SFT then PPO, either alone), writes the gallery of
 * evaluation episodes and returns the before/after rows. With `resume`, continues from the newest
 * intact checkpoint (mid-SFT too); the baseline rows come back from `baselines.json`. The first
 * SIGINT/SIGTERM is acknowledged and stops at the next step boundary with a checkpoint.
 */
export async function runTraining(options: TrainingOptions): Promise<TrainingSummary> {
  const { runDir, reporter, signal } = options;
  mkdirSync(runDir, { recursive: true });
  const stop = new StopFlag({
    signal,
    handleSignals: true,
    onSignal: () =>
      reporter ? reporter.log(STOP_ACKNOWLEDGEMENT) : process.stderr.write(`${STOP_ACKNOWLEDGEMENT}\n`),
  });
  try {
    return await stages({ ...options, stop });
  } finally {
    stop.dispose();
  }
}

async function stages({
  config,
  registry,
  runDir,
  resume = false,
  reporter,
  withBaselines = true,
  stop,
  stopAfterUpdates,
}: Omit<TrainingOptions, 'signal'> & { stop: StopFlag }): Promise<TrainingSummary> {
  const wantsSft = config.stages.includes('sft');
  const wantsPpo = config.stages.includes('ppo');
  const rows: ResultRow[] = await runBaselines(config, registry, runDir, withBaselines);
  let stopped = false;
  let checkpoint: string | undefined;
  const evalRecords: { stage: string; records: EvalSummary['records'] }[] = [];
  if (stop.stopped) {
    // Stopped while the reference rows were computed: they are saved; nothing else had started.
    stopped = true;
  } else if (!wantsPpo) {
    const sft = await runSftOnly(config, registry, runDir, { reporter, stop, resume });
    if (sft.summary) {
      rows.push(row('after SFT', sft.summary));
      evalRecords.push({ stage: 'after-sft', records: sft.summary.records });
    }
    stopped = sft.stopped;
    checkpoint = sft.checkpoint;
  } else {
    const oracle = wantsSft ? requireSftOracle(registry, config) : undefined;
    const rollouts = redisRollouts(config, runDir, reporter);
    const result = await train(trainerConfig(config, runDir, wantsSft), {
      policies: registry.policies,
      policyModules: registry.policyModules(config.policy.id),
      algorithmModules: registry.algorithmModules(config.algorithm),
      envs: registry.envs,
      algorithms: registry.algorithms,
      oracle,
      noiseLabels: actionLabels(registry, config.env),
      onProgress: reporter?.onProgress,
      log: (m) => reporter?.log(m),
      sinks: reporter ? [updateLines(config.ppo.numUpdates, (m) => reporter.log(m))] : [],
      resume,
      signal: stop.asSignal(),
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
