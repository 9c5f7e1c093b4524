import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@rl4vlm/env';
import * as tf from '@tensorflow/tfjs-core';
import { cotLogProb, tokenWeights } from './action-split.js';
import { Adam } from './adam.js';
import { findLatestCheckpoint, loadAdamState, saveAdamState, writeCheckpoint } from './checkpoint.js';
import { type PpoConfig, type PpoConfigInput, resolvePpoConfig } from './config.js';
import { computeGae } from './gae.js';
import { GradientAccumulator } from './grads.js';
import { learningRateAt } from './lr-schedule.js';
import type { MetricsRecord, MetricsSink, ProgressCallback } from './metrics.js';
import { ppoLoss } from './ppo-loss.js';
import {
  collectRollout,
  type RolloutCollector,
  type RolloutSample,
  RolloutStopped,
  type TextEnvLike,
} from './rollout.js';
import { lossAndGrads, scoreNoGrad, type TfTrainablePolicy, valuesOf } from './scoring.js';
import { deriveSeed, SeedStream } from './seeds.js';
import { explainedVariance, mean, normalize } from './stats.js';
import { StopFlag } from './stop-signal.js';

/** Options of {@link runPpo}. */
export interface RunPpoOptions {
  policy: TfTrainablePolicy;
  /** The envs stepped together (e.g. `TextEnv`s); `config.numEnvs` is taken from their count. */
  envs: readonly TextEnvLike[];
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
  /** Where rollouts are played. Default {@link collectRollout}, in this process over `envs`. */
  collect?: RolloutCollector;
}

/** What {@link runPpo} returns. */
export interface PpoResult {
  /** One record per update done in this call. */
  metrics: MetricsRecord[];
  /** Updates completed in total (including those before a resume). */
  updatesDone: number;
  /** True when it stopped before `numUpdates` (signal, abort or `stopAfterUpdates`). */
  stopped: boolean;
  /** The last checkpoint written, if any. */
  checkpointDir?: string;
}

/** The counters a checkpoint carries besides weights and optimizer state. */
export interface PpoState {
  update: number;
  envSteps: number;
  optimizerSteps: number;
  skippedSteps: number;
  /** Success flags of the last `successWindow` finished training episodes. */
  recentSuccesses: boolean[];
}

const STATE_FILE = 'state.json';

/**
 * PPO for a VLM policy, as RL4VLM does it (spec §3), in one loop:
 *
 *   for each update u:
 *     rollout  ← play `stepsPerEnv` steps in every env (seeds derived from (seed, u))
 *     old logπ ← re-score the stored (prompt, reply) pairs without gradients
 *     A, R     ← GAE(γ, λ_GAE) with V(s_T) bootstrap; A normalised over the rollout
 *     for `epochs` passes, minibatches in a seeded random order (drop_last):
 *        loss ← ppoLoss(λ-weighted logπ, V); gradients accumulated over `gradAccumSteps`
 *        skip non-finite losses/gradients; clip by global norm; Adam step at lr(u)
 *     log one metrics record; checkpoint every K updates
 *
 * Resume is exact: everything random derives from `(seed, update)`, each rollout starts from
 * freshly seeded envs, and the checkpoint holds weights, Adam state and the counters.
 */
export async function runPpo(options: RunPpoOptions): Promise<PpoResult> {
  const config: PpoConfig = resolvePpoConfig({ ...options.config, numEnvs: options.envs.length });
  const { policy, envs } = options;
  const collect = options.collect ?? collectRollout;
  const seed = options.seed ?? 1;
  const log = options.log ?? ((m: string) => console.warn(m));
  if (config.klCoef > 0 && !options.referencePolicy)
    throw new Error('PPO config klCoef > 0 needs options.referencePolicy: the starting policy, frozen');
  const variables = policy.trainableVariables();
  const adam = new Adam(variables, config.adam, policy.learningRateScales?.());
  const accumulator = new GradientAccumulator();
  const stop = new StopFlag({ signal: options.signal, handleSignals: options.handleSignals });
  const scoreTemperature = config.scoreTemperature ?? (config.generate.temperature || 1);
  let state: PpoState = { update: 0, envSteps: 0, optimizerSteps: 0, skippedSteps: 0, recentSuccesses: [] };

  if (options.resume && options.checkpoint) {
    const dir = findLatestCheckpoint(options.checkpoint.dir);
    if (dir) {
      const saved = JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8')) as {
        seed: number;
        state: PpoState;
      };
      if (saved.seed !== seed)
        throw new Error(
          `Cannot resume ${dir}: it was trained with seed ${saved.seed}, this run has seed ${seed}`,
        );
      await policy.load(join(dir, 'policy'));
      adam.setState(loadAdamState(dir));
      state = saved.state;
    }
  }

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
            format: 'rl4vlm.trainer.ppo-state/v1',
            seed,
            // Env generators need no snapshot: each rollout re-seeds every env from (seed, update).
            rng: { scheme: 'derived', from: ['seed', 'stream', 'update', 'index'] },
            state: s,
            config,
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
    while (state.update < config.numUpdates) {
      await new Promise<void>((resolve) => setImmediate(resolve)); // deliver pending signals
      if (stop.stopped) break;
      if (options.stopAfterUpdates !== undefined && doneThisCall >= options.stopAfterUpdates) {
        stop.raise('stopAfterUpdates');
        break;
      }
      const u = state.update;
      const lr = learningRateAt({ ...config.schedule, maxLr: config.schedule.lr }, u);

      // 1. Rollout.
      let rollout: Awaited<ReturnType<typeof collectRollout>>;
      try {
        rollout = await collect({
          envs,
          policy,
          tokenizer: policy.tokenizer,
          numSteps: config.stepsPerEnv,
          seed,
          update: u,
          generate: config.generate,
          thoughtCoef: config.thoughtCoef,
          split: config.split,
          onStep: (done, total) => options.onProgress?.({ phase: 'rollout', done, total, update: u }),
          shouldStop: () => stop.stopped,
        });
      } catch (e) {
        if (e instanceof RolloutStopped) break; // weights are untouched: the last checkpoint state is current
        throw e;
      }
      const updateStarted = performance.now();
      const samples = rollout.steps.flat();

      // 2. Old log-probs and values, scored exactly as the update will score them.
      const items = samples.map((s) => ({ prompt: s.prompt, responseTokenIds: s.responseTokenIds }));
      if (config.oldLogProbs === 'rescore') {
        const scored = scoreNoGrad(policy, items, {
          temperature: scoreTemperature,
          batchSize: config.miniBatchSize,
        });
        samples.forEach((s, i) => {
          s.tokenLogProbs = scored.tokenLogProbs[i]!;
          s.value = scored.values[i]!;
        });
      }
      for (const s of samples) s.oldLogProb = cotLogProb(s.tokenLogProbs, s.split, config.thoughtCoef);
      if (options.referencePolicy && config.klCoef > 0) {
        const ref = scoreNoGrad(options.referencePolicy, items, {
          temperature: scoreTemperature,
          batchSize: config.miniBatchSize,
        });
        samples.forEach((s, i) => {
          s.refTokenLogProbs = ref.tokenLogProbs[i]!;
        });
      }

      // 3. GAE over each env's column, bootstrapped with V(s_T) where the episode is still running.
      const bootstrap = valuesOf(policy, rollout.lastPrompts, config.miniBatchSize);
      const { advantages, returns } = computeGae({
        rewards: rollout.steps.map((row) => row.map((s) => s.reward)),
        values: rollout.steps.map((row) => row.map((s) => s.value)),
        dones: rollout.steps.map((row) => row.map((s) => s.done)),
        lastValues: bootstrap.map((v, i) => (rollout.lastDones[i] ? 0 : v)),
        gamma: config.gamma,
        lambda: config.gaeLambda,
      });
      const flatReturns = returns.flat();
      const rawAdvantages = advantages.flat();
      const flatAdvantages = config.normalizeAdvantages ? normalize(rawAdvantages) : rawAdvantages;

      // 4. Epochs of minibatch updates. Samples with no tokens have nothing to score.
      const trainable = samples.map((_, i) => i).filter((i) => samples[i]!.responseTokenIds.length > 0);
      const sums = {
        policyLoss: 0,
        valueLoss: 0,
        entropy: 0,
        kl: 0,
        approxKl: 0,
        clipFraction: 0,
        guard: 0,
        n: 0,
      };
      let skippedMinibatches = 0;
      let skippedSteps = 0;
      let optimizerSteps = 0;
      const gradNorms: number[] = [];
      const step = () => {
        const taken = accumulator.take(config.maxGradNorm);
        if (!taken) return;
        if (!Number.isFinite(taken.norm)) {
          skippedSteps += 1;
          log(`ppo update ${u}: non-finite gradient norm (${taken.norm}); optimizer step skipped`);
        } else {
          adam.apply(taken.grads, lr);
          optimizerSteps += 1;
          gradNorms.push(taken.norm);
        }
        for (const g of taken.grads) g.dispose();
      };
      const batchesPerEpoch = Math.floor(trainable.length / config.miniBatchSize);
      const totalBatches = batchesPerEpoch * config.epochs;
      let klStopAt: number | null = null;
      for (let epoch = 0; epoch < config.epochs && klStopAt === null; epoch++) {
        const order = new Rng(deriveSeed(seed, SeedStream.minibatch, u, epoch)).shuffle(trainable);
        for (let b = 0; b < batchesPerEpoch; b++) {
          const idx = order.slice(b * config.miniBatchSize, (b + 1) * config.miniBatchSize);
          const batch: RolloutSample[] = idx.map((i) => samples[i]!);
          let stats: tf.Tensor[] = [];
          const { loss, grads } = lossAndGrads(() => {
            const out = policy.score(
              batch.map((s) => ({ prompt: s.prompt, responseTokenIds: s.responseTokenIds })),
              { temperature: scoreTemperature },
            );
            const maxLen = out.logProbs.shape[1] as number;
            const r = ppoLoss(
              {
                tokenLogProbs: out.logProbs,
                tokenWeights: tf.tensor2d(
                  batch.map((s) => tokenWeights(s.split, config.thoughtCoef, maxLen)),
                  [batch.length, maxLen],
                ),
                mask: out.mask,
                values: out.values,
                entropy: out.entropy,
                refTokenLogProbs: batch[0]!.refTokenLogProbs
                  ? tf.tensor2d(
                      batch.map((s) => padTo(s.refTokenLogProbs!, maxLen)),
                      [batch.length, maxLen],
                    )
                  : undefined,
                oldLogProbs: tf.tensor1d(batch.map((s) => s.oldLogProb)),
                advantages: tf.tensor1d(idx.map((i) => flatAdvantages[i]!)),
                returns: tf.tensor1d(idx.map((i) => flatReturns[i]!)),
                oldValues: tf.tensor1d(batch.map((s) => s.value)),
              },
              config,
            );
            stats = [
              r.policyLoss,
              r.valueLoss,
              r.entropy,
              r.kl,
              r.approxKl,
              r.clipFraction,
              r.guardFired,
            ].map((t) => tf.keep(t));
            return r.loss;
          }, variables);
          const [pl, vl, ent, kl, akl, cf, guard] = stats.map((t) => t.dataSync()[0]!);
          for (const t of stats) t.dispose();
          if (config.targetKl !== null && akl! > 1.5 * config.targetKl) {
            // Too far from the rollout policy: drop this gradient and end the update here.
            klStopAt = epoch * batchesPerEpoch + b;
            for (const g of grads) g.dispose();
            log(
              `ppo update ${u}: approx-KL ${akl!.toFixed(4)} > 1.5 × targetKl at minibatch ${klStopAt}; update stopped`,
            );
            break;
          }
          if (!Number.isFinite(loss)) {
            skippedMinibatches += 1;
            log(`ppo update ${u}: non-finite loss (${loss}) on a minibatch; it is skipped`);
          } else {
            accumulator.add(grads);
            sums.policyLoss += pl!;
            sums.valueLoss += vl!;
            sums.entropy += ent!;
            sums.kl += kl!;
            sums.approxKl += akl!;
            sums.clipFraction += cf!;
            sums.guard += guard!;
            sums.n += 1;
          }
          for (const g of grads) g.dispose();
          if (accumulator.size >= config.gradAccumSteps) step();
          options.onProgress?.({
            phase: 'update',
            done: epoch * batchesPerEpoch + b + 1,
            total: totalBatches,
            update: u,
          });
        }
      }
      step(); // a partial accumulation at the end of the update still counts
      const updateSeconds = (performance.now() - updateStarted) / 1000;

      // 5. Bookkeeping and metrics.
      const envSteps = samples.length;
      state = {
        update: u + 1,
        envSteps: state.envSteps + envSteps,
        optimizerSteps: state.optimizerSteps + optimizerSteps,
        skippedSteps: state.skippedSteps + skippedSteps,
        recentSuccesses: [...state.recentSuccesses, ...rollout.episodes.map((e) => e.success)].slice(
          -config.successWindow,
        ),
      };
      const replies = samples.map((s) => s.text);
      const distinctReplies = new Set(replies).size;
      const formatErrorRate = samples.filter((s) => !s.parseOk).length / samples.length;
      const replyDiversity = distinctReplies / replies.length;
      const collapse =
        formatErrorRate > config.collapseFormatErrorRate || replyDiversity < config.collapseMinDiversity;
      if (collapse)
        log(
          `ppo update ${u}: possible chain-of-thought collapse (format errors ${formatErrorRate.toFixed(3)}, reply diversity ${replyDiversity.toFixed(3)})`,
        );
      const n = Math.max(1, sums.n);
      const eps = rollout.episodes;
      const infoSuccesses = eps.filter((e) => e.infoSuccess !== undefined);
      const record: MetricsRecord = {
        phase: 'ppo',
        update: u,
        envSteps: state.envSteps,
        optimizerSteps: state.optimizerSteps,
        lr,
        policyLoss: sums.policyLoss / n,
        valueLoss: sums.valueLoss / n,
        entropy: sums.entropy / n,
        klToStart: sums.kl / n,
        approxKl: sums.approxKl / n,
        clipFraction: sums.clipFraction / n,
        ratioGuardFires: sums.guard,
        klStopMinibatch: klStopAt,
        explainedVariance: finiteOrNull(
          explainedVariance(
            samples.map((s) => s.value),
            flatReturns,
          ),
        ),
        gradNorm: finiteOrNull(mean(gradNorms)),
        skippedMinibatches,
        skippedOptimizerSteps: skippedSteps,
        episodes: eps.length,
        successRate: finiteOrNull(mean(eps.map((e) => (e.success ? 1 : 0)))),
        successRateWindow: finiteOrNull(mean(state.recentSuccesses.map((x) => (x ? 1 : 0)))),
        infoSuccessRate: finiteOrNull(mean(infoSuccesses.map((e) => (e.infoSuccess ? 1 : 0)))),
        meanReturn: finiteOrNull(mean(eps.map((e) => e.return))),
        meanEpisodeLength: finiteOrNull(mean(eps.map((e) => e.length))),
        meanStepReward: mean(samples.map((s) => s.reward)),
        meanValue: mean(samples.map((s) => s.value)),
        meanReturnTarget: mean(flatReturns),
        meanActionLogProb: mean(samples.map((s) => s.oldLogProb)),
        formatErrorRate,
        replyDiversity,
        actionKeyRate: samples.filter((s) => s.split.foundKey).length / samples.length,
        collapseWarning: collapse,
        meanReplyTokens: rollout.generatedTokens / samples.length,
        tokensPerSecond: rollout.generatedTokens / rollout.seconds,
        envStepsPerSecond: envSteps / rollout.seconds,
        rolloutSeconds: rollout.seconds,
        updateSeconds,
      };
      metrics.push(record);
      for (const sink of options.sinks ?? []) await sink.write(record);
      doneThisCall += 1;
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

function padTo(xs: readonly number[], n: number): number[] {
  const out = new Array<number>(n).fill(0);
  for (let i = 0; i < Math.min(n, xs.length); i++) out[i] = xs[i]!;
  return out;
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
