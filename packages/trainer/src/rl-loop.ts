import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { Adam } from './adam.js';
import type { Algorithm, Experience } from './algorithm.js';
import { builtinAlgorithms } from './algorithms/index.js';
import { ppo } from './algorithms/ppo.js';
import { findLatestCheckpoint, loadAdamState, saveAdamState, writeCheckpoint } from './checkpoint.js';
import { collectGroups } from './collect-groups.js';
import { InvalidConfigError, type PpoConfig, type PpoConfigInput, resolvePpoConfig } from './config.js';
import { GradientAccumulator } from './grads.js';
import { learningRateAt } from './lr-schedule.js';
import type { MetricsRecord, MetricsSink, ProgressCallback } from './metrics.js';
import { minibatchUpdate } from './minibatch-update.js';
import { type PpoLossInput, type PpoLossOutput, ppoLoss } from './ppo-loss.js';
import { LocalReplicas, type Replicas, ReplicatedPolicy, writeWorkerMemory } from './replicas/replicas.js';
import { collectRollout, type RolloutCollector, RolloutStopped, type TextEnvLike } from './rollout.js';
import { type RlState, replyHealth, updateRecord } from './rollout-metrics.js';
import { scoreExperience } from './score-experience.js';
import { type TfTrainablePolicy, valuesOf } from './scoring.js';
import { StopFlag } from './stop-signal.js';

/** Options of {@link runRl}. */
export interface RunRlOptions {
  policy: TfTrainablePolicy;
  /** The envs stepped together (e.g. `TextEnv`s); `config.numEnvs` is taken from their count. */
  envs: readonly TextEnvLike[];
  /** The algorithm; default PPO. */
  algorithm?: Algorithm;
  /** The algorithm's own settings (validated by its schema; errors name `algorithms.<id>.<key>`). */
  algorithmSettings?: unknown;
  /** The shared RL settings: rollout, optimiser, clipped loss (the `ppo` config section). */
  config?: PpoConfigInput;
  /** Run seed: every env reset, sample and shuffle derives from it. Default 1. */
  seed?: number;
  /** The starting policy, frozen; required when `klCoef > 0`. */
  referencePolicy?: TfTrainablePolicy;
  sinks?: readonly MetricsSink[];
  onProgress?: ProgressCallback;
  /** Write checkpoints under `dir` every `every` updates and at the end. */
  checkpoint?: { dir: string; every?: number; keepLast?: number; extra?: Record<string, unknown> };
  /** Continue from the newest complete checkpoint in `checkpoint.dir` (a fresh start when there is none). */
  resume?: boolean;
  /** Stops the run (after the current update, or at once during a rollout) and checkpoints. */
  signal?: AbortSignal;
  /** Stop cleanly on SIGINT/SIGTERM. Default false (an app turns it on). */
  handleSignals?: boolean;
  /** Stop after this many updates of this call (for tests and time-sliced jobs). */
  stopAfterUpdates?: number;
  /** Where warnings go (skipped steps, collapse). Default `console.warn`. */
  log?: (message: string) => void;
  /**
   * Where fixed-step rollouts are played. Default {@link collectRollout}, in this process over
   * `envs`. Group rollouts (GRPO, RLOO, GiGPO) are always collected in this process.
   */
  collect?: RolloutCollector;
  /**
   * Replicas of `policy` (see `startReplicas`) that generate the rollouts, re-score them and
   * compute the minibatch gradients in parallel. Default: `policy` itself, in-process. Results
   * are the same for any number of replicas.
   */
  replicas?: Replicas;
  /**
   * Module URLs or absolute paths of the plugin that provides `algorithm`, so worker-thread
   * replicas can rebuild its loss; not needed for the built-ins (ppo, grpo, rloo, gigpo).
   */
  algorithmModules?: string[];
}

/** What {@link runRl} returns. */
export interface RlResult {
  /** One record per update done in this call. */
  metrics: MetricsRecord[];
  /** Updates completed in total (including those before a resume). */
  updatesDone: number;
  /** True when it stopped before `numUpdates` (signal, abort or `stopAfterUpdates`). */
  stopped: boolean;
  /** The last checkpoint written, if any. */
  checkpointDir?: string;
}

const STATE_FILE = 'state.json';
/** The state file format; `rl4vlm.trainer.ppo-state/v1` (before algorithms were plugins) is read as PPO. */
export const RL_STATE_FORMAT = 'rl4vlm.trainer.rl-state/v1';

/** An algorithm's settings, validated by its schema; problems are named `algorithms.<id>.<key>`. */
export function resolveAlgorithmSettings<S>(algorithm: Algorithm<S>, value: unknown): S {
  const parsed = (algorithm.settings as z.ZodType<S>).safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  throw new InvalidConfigError(
    `algorithms.${algorithm.id}`,
    parsed.error.issues.map((issue) => {
      const key = ['algorithms', algorithm.id, ...issue.path.map(String)].join('.');
      const unknownKeys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
      return `${key}: ${issue.message}${unknownKeys}`;
    }),
  );
}

/**
 * Checks every section of an `algorithms:` config: its key must be a registered algorithm id (an
 * unknown one is an error listing the ids and the closest) and its settings must validate.
 */
export function validateAlgorithmSections(
  registry: { get(id: string): Algorithm },
  sections: Record<string, unknown>,
): void {
  for (const [id, value] of Object.entries(sections)) resolveAlgorithmSettings(registry.get(id), value);
}

/**
 * The minibatch loss of an algorithm: its own `loss`, or PPO's clipped ratio (with the clipped
 * value loss only when it has a critic), the k3 KL and the entropy bonus from the shared settings.
 */
export function lossFor<S>(
  algorithm: Algorithm<S>,
  settings: S,
  rl: PpoConfig,
): (input: PpoLossInput) => PpoLossOutput {
  if (algorithm.loss) return (input) => algorithm.loss!(input, settings, rl);
  const lossSettings = { ...rl, valueLoss: algorithm.critic };
  return (input) => ppoLoss(input, lossSettings);
}

/**
 * One RL run, for any {@link Algorithm}, as collect → advantages → update:
 *
 *   for each update u:
 *     experience ← algorithm.collect: fixed steps per env, or N seeds × G copies to episode end
 *                  (seeds derived from (seed, u); samples frozen)
 *     columns    ← old log-probs (λ-weighted), values, reference log-probs, scored without gradients
 *     A, R       ← algorithm.advantages(experience, columns) — a pure function
 *     update     ← epochs of seeded minibatches over algorithm.loss (PPO's clipped ratio by default)
 *     log one metrics record (phase 'rl'); checkpoint every K updates
 *
 * Resume is exact for every algorithm: everything random derives from `(seed, update)`, each
 * rollout starts from freshly seeded envs, and the checkpoint holds weights, Adam state and the
 * counters. A run stopped mid-rollout or mid-update resumes from the last checkpoint and redoes
 * that update exactly.
 */
export async function runRl(options: RunRlOptions): Promise<RlResult> {
  const algorithm = options.algorithm ?? ppo;
  const settings = resolveAlgorithmSettings(algorithm, options.algorithmSettings);
  const config: PpoConfig = resolvePpoConfig({ ...options.config, numEnvs: options.envs.length });
  const plan = algorithm.collect(settings, config);
  if (plan.kind === 'groups' && options.collect)
    throw new Error(
      `Algorithm '${algorithm.id}' collects group rollouts, which the configured rollout backend does not play; use the in-process rollouts`,
    );
  const collectSteps = options.collect ?? collectRollout;
  const { policy, envs } = options;
  const seed = options.seed ?? 1;
  const log = options.log ?? ((m: string) => console.warn(m));
  if (config.klCoef > 0 && !options.referencePolicy)
    throw new Error('PPO config klCoef > 0 needs options.referencePolicy: the starting policy, frozen');
  const replicas = options.replicas ?? new LocalReplicas(policy);
  const algorithmModules = options.algorithmModules ?? [];
  if (replicas.size > 1 && algorithmModules.length === 0 && !builtinAlgorithms.algorithms.includes(algorithm))
    throw new Error(
      `Algorithm '${algorithm.id}' is not built in: worker-thread replicas need the module of its plugin (algorithmModules) to rebuild its loss; or use workers: 1`,
    );
  // Generation on the replicas; a collector of its own (e.g. Redis) plays elsewhere with the weights.
  const generator = options.replicas ? new ReplicatedPolicy(policy, replicas) : policy;
  const scoreTemperature = config.scoreTemperature ?? (config.generate.temperature || 1);
  replicas.phase = `${algorithm.id} setup`;
  await replicas.setRlLoss(
    { algorithm: algorithm.id, modules: algorithmModules, settings, rl: config, scoreTemperature },
    { loss: lossFor(algorithm, settings, config), thoughtCoef: config.thoughtCoef, scoreTemperature },
  );
  const variables = policy.trainableVariables();
  const adam = new Adam(variables, config.adam, policy.learningRateScales?.());
  const accumulator = new GradientAccumulator();
  const stop = new StopFlag({ signal: options.signal, handleSignals: options.handleSignals });
  let state: RlState = { update: 0, envSteps: 0, optimizerSteps: 0, skippedSteps: 0, recentSuccesses: [] };

  if (options.resume && options.checkpoint) {
    const dir = findLatestCheckpoint(options.checkpoint.dir);
    if (dir) {
      const saved = JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8')) as {
        format?: string;
        algorithm?: string;
        seed: number;
        state: RlState;
      };
      if (saved.seed !== seed)
        throw new Error(
          `Cannot resume ${dir}: it was trained with seed ${saved.seed}, this run has seed ${seed}`,
        );
      const savedAlgorithm = saved.algorithm ?? 'ppo';
      if (savedAlgorithm !== algorithm.id)
        throw new Error(
          `Cannot resume ${dir}: it was trained with algorithm '${savedAlgorithm}', this run uses '${algorithm.id}'`,
        );
      await policy.load(join(dir, 'policy'));
      replicas.phase = 'resume';
      await replicas.syncWeights();
      adam.setState(loadAdamState(dir));
      state = saved.state;
    }
  }
  // Every replica takes each optimizer step itself, from the same optimizer state.
  await replicas.startOptimizer(adam);

  let lastCheckpoint: string | undefined;
  let lastCheckpointUpdate = state.update;
  const saveCheckpoint = async () => {
    if (!options.checkpoint) return;
    const s = structuredClone(state);
    lastCheckpoint = await writeCheckpoint(
      options.checkpoint.dir,
      s.update,
      async (tmp) => {
        await policy.save(join(tmp, 'policy'));
        saveAdamState(tmp, adam.getState());
        writeFileSync(
          join(tmp, STATE_FILE),
          JSON.stringify({
            format: RL_STATE_FORMAT,
            algorithm: algorithm.id,
            seed,
            // Env generators need no snapshot: each rollout re-seeds every env from (seed, update).
            rng: { scheme: 'derived', from: ['seed', 'stream', 'update', 'index'] },
            state: s,
            config,
            algorithmSettings: settings,
            extra: options.checkpoint?.extra ?? {},
          }),
        );
      },
      { keepLast: options.checkpoint.keepLast ?? 2 },
    );
    lastCheckpointUpdate = s.update;
  };

  const metrics: MetricsRecord[] = [];
  let doneThisCall = 0;
  try {
    // The whole run's bar: it starts at the resumed update, so its rate and ETA count this call only.
    options.onProgress?.({ phase: 'rl', done: state.update, total: config.numUpdates });
    while (state.update < config.numUpdates) {
      await new Promise<void>((resolve) => setImmediate(resolve)); // deliver pending signals
      if (stop.stopped) break;
      if (options.stopAfterUpdates !== undefined && doneThisCall >= options.stopAfterUpdates) {
        stop.raise('stopAfterUpdates');
        break;
      }
      const u = state.update;
      const lr = learningRateAt({ ...config.schedule, maxLr: config.schedule.lr }, u);

      // 1. Collect.
      const rolloutOptions = {
        envs,
        policy: generator,
        tokenizer: policy.tokenizer,
        seed,
        update: u,
        generate: config.generate,
        thoughtCoef: config.thoughtCoef,
        split: config.split,
        onStep: (done: number, total: number) =>
          options.onProgress?.({ phase: 'rollout', done, total, update: u }),
        shouldStop: () => stop.stopped,
      };
      let experience: Experience;
      let lastPrompts: Parameters<typeof valuesOf>[1] = [];
      replicas.phase = `${algorithm.id} update ${u + 1}/${config.numUpdates} rollout`;
      try {
        if (plan.kind === 'groups') {
          experience = await collectGroups({ ...rolloutOptions, ...plan });
        } else {
          const rollout = await collectSteps({
            ...rolloutOptions,
            policy: options.collect ? policy : generator,
            numSteps: config.stepsPerEnv,
          });
          experience = {
            samples: rollout.steps.flat(),
            episodes: rollout.episodes,
            numEnvs: envs.length,
            lastDones: rollout.lastDones,
            generatedTokens: rollout.generatedTokens,
            seconds: rollout.seconds,
          };
          lastPrompts = rollout.lastPrompts;
        }
      } catch (e) {
        if (e instanceof RolloutStopped) break; // weights are untouched: the last checkpoint state is current
        throw e;
      }
      const updateStarted = performance.now();
      const { samples } = experience;

      // 2. Score old log-probs, values and reference log-probs exactly as the update will.
      replicas.phase = `${algorithm.id} update ${u + 1}/${config.numUpdates} scoring`;
      const columns = await scoreExperience(samples, {
        replicas,
        mode: config.oldLogProbs,
        temperature: scoreTemperature,
        batchSize: config.miniBatchSize,
        thoughtCoef: config.thoughtCoef,
        referencePolicy: config.klCoef > 0 ? options.referencePolicy : undefined,
      });

      // 3. Advantages: the algorithm's pure function.
      const bootstrapValues =
        algorithm.critic && plan.kind === 'steps'
          ? valuesOf(policy, lastPrompts, config.miniBatchSize).map((v, i) =>
              experience.lastDones![i] ? 0 : v,
            )
          : undefined;
      const advantage = algorithm.advantages({
        experience,
        values: algorithm.critic ? columns.values : samples.map(() => 0),
        bootstrapValues,
        settings,
        rl: config,
      });
      if (
        advantage.advantages.length !== samples.length ||
        advantage.advantages.some((a) => !Number.isFinite(a))
      )
        throw new Error(
          `Algorithm '${algorithm.id}' returned ${advantage.advantages.length} advantages for ${samples.length} samples, or a non-finite one`,
        );
      if (algorithm.critic && advantage.returns?.length !== samples.length)
        throw new Error(`Algorithm '${algorithm.id}' has a critic but returned no value target per sample`);
      const returns = advantage.returns ?? samples.map(() => 0);

      // 4. Epochs of minibatch updates over the algorithm's loss.
      replicas.phase = `${algorithm.id} update ${u + 1}/${config.numUpdates} optimisation`;
      const result = await minibatchUpdate({
        replicas,
        variables,
        samples,
        columns,
        advantages: advantage.advantages,
        returns,
        rl: config,
        adam,
        accumulator,
        lr,
        seed,
        update: u,
        log: (m) => log(`${algorithm.id} ${m}`),
        onProgress: options.onProgress,
      });
      const updateSeconds = (performance.now() - updateStarted) / 1000;

      // 5. Bookkeeping and metrics.
      state = {
        update: u + 1,
        envSteps: state.envSteps + samples.length,
        optimizerSteps: state.optimizerSteps + result.optimizerSteps,
        skippedSteps: state.skippedSteps + result.skippedSteps,
        recentSuccesses: [...state.recentSuccesses, ...experience.episodes.map((e) => e.success)].slice(
          -config.successWindow,
        ),
      };
      const health = replyHealth(experience, config);
      if (health.collapse)
        log(
          `${algorithm.id} update ${u + 1}/${config.numUpdates}: possible chain-of-thought collapse (format errors ${health.formatErrorRate.toFixed(3)}, reply diversity ${health.replyDiversity.toFixed(3)})`,
        );
      const record = updateRecord({
        algorithm: algorithm.id,
        critic: algorithm.critic,
        update: u,
        lr,
        state,
        experience,
        columns,
        advantage,
        returns,
        result,
        rl: config,
        updateSeconds,
      });
      metrics.push(record);
      for (const sink of options.sinks ?? []) await sink.write(record);
      await writeWorkerMemory(replicas, options.sinks ?? [], { update: u });
      doneThisCall += 1;
      options.onProgress?.({ phase: 'rl', done: state.update, total: config.numUpdates });
      const every = options.checkpoint?.every ?? 1;
      if (options.checkpoint && (state.update % every === 0 || state.update === config.numUpdates))
        await saveCheckpoint();
    }
    if (options.checkpoint && state.update !== lastCheckpointUpdate) await saveCheckpoint();
    if (options.checkpoint && !lastCheckpoint && stop.stopped) await saveCheckpoint();
  } finally {
    stop.dispose();
    accumulator.dispose();
    adam.dispose();
  }
  return {
    metrics,
    updatesDone: state.update,
    stopped: state.update < config.numUpdates,
    checkpointDir:
      lastCheckpoint ?? (options.checkpoint ? findLatestCheckpoint(options.checkpoint.dir) : undefined),
  };
}
