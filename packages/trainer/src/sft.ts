import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Info, Prompt } from '@rl4vlm/env';
import { isInvalidReply, Rng } from '@rl4vlm/env';
import type { VlmPolicy } from '@rl4vlm/policy';
import * as tf from '@tensorflow/tfjs-core';
import { Adam, flattenGradients } from './adam.js';
import { loadAdamState, saveAdamState, writeCheckpoint } from './checkpoint.js';
import { resolveSftConfig, type SftConfigInput } from './config.js';
import { GradientAccumulator } from './grads.js';
import { learningRateAt } from './lr-schedule.js';
import type { MetricsRecord, MetricsSink, ProgressCallback } from './metrics.js';
import { chunksOf, sftLoss, sumInChunkOrder, targetTokenIds } from './replicas/chunk-gradients.js';
import { tensorsOfCopy } from './replicas/read-into.js';
import { LocalReplicas, type Replicas, ReplicatedPolicy, writeWorkerMemory } from './replicas/replicas.js';
import type { TfTrainablePolicy } from './scoring.js';
import { deriveSeed, SeedStream } from './seeds.js';
import { mean } from './stats.js';

/** One supervised example: the prompt (text + images) and the reply to imitate. */
export interface SftExample {
  prompt: Prompt;
  target: string;
  /** The env info of the step, for parsing replies into actions. */
  info?: Info;
}

/** Turns a reply into an action or `{invalid}`: an env's `TextInterface.parse`. */
export type ReplyParser = (reply: string, info: Info) => unknown;

/** Seeded split into training and held-out examples. */
export function splitDataset<T>(
  examples: readonly T[],
  heldOutFraction: number,
  seed: number,
): { train: T[]; heldOut: T[] } {
  const shuffled = new Rng(deriveSeed(seed, SeedStream.dataset)).shuffle(examples);
  const nHeld = Math.round(examples.length * heldOutFraction);
  return { heldOut: shuffled.slice(0, nHeld), train: shuffled.slice(nHeld) };
}

/** Held-out quality of an SFT'd policy. */
export interface SftHeldOutMetrics {
  examples: number;
  /** Mean per-token negative log-likelihood of the targets. */
  tokenNll: number;
  /** Generated (greedy) replies that parse into an action. */
  formatRate: number | null;
  /** Generated replies whose parsed action equals the target's parsed action. */
  actionAccuracy: number | null;
  /** Generated replies equal to the target text. */
  exactReplyRate: number | null;
  generated: number;
}

/** Options of {@link runSft}. */
export interface RunSftOptions {
  policy: TfTrainablePolicy;
  examples: readonly SftExample[];
  config?: SftConfigInput;
  seed?: number;
  /** The env's parser, for the held-out accuracy/format metrics. */
  parse?: ReplyParser;
  sinks?: readonly MetricsSink[];
  onProgress?: ProgressCallback;
  log?: (message: string) => void;
  /**
   * Who computes the gradient chunks and held-out generations: worker-thread replicas of
   * `policy` (see `startReplicas`). Default: `policy` itself, in-process. Results are the same.
   */
  replicas?: Replicas;
  /** Polled before every optimizer step: when `stopped`, SFT writes a checkpoint there and returns. */
  stop?: { readonly stopped: boolean };
  /**
   * Where SFT checkpoints go (`<dir>/sft-step-<step>/`: weights, Adam state, epoch and step, the
   * epoch's losses so far). One is written at the end of every epoch and when stopped; only the
   * newest is kept.
   */
  checkpoint?: { dir: string };
  /** An SFT checkpoint folder to continue from; the result is bit-identical to an uninterrupted run. */
  resumeFrom?: string;
}

/** Folder name of an SFT checkpoint after `step` optimizer steps: `sft-step-000120`. */
export function sftCheckpointName(step: number): string {
  return `sft-step-${String(step).padStart(6, '0')}`;
}

/** Matches SFT checkpoint folder names. */
export const SFT_CHECKPOINT_PATTERN = /^sft-step-\d+$/;

/** What an SFT checkpoint holds besides weights and Adam state (`sft-state.json`). */
export interface SftState {
  format: 'rl4vlm.trainer.sft-state/v1';
  seed: number;
  trainExamples: number;
  totalSteps: number;
  /** The epoch to continue in, and the batch of it to start with (0 at an epoch boundary). */
  epoch: number;
  batch: number;
  /** Optimizer steps done (the learning-rate schedule's position). */
  step: number;
  /** Losses and skipped steps of the unfinished epoch so far, for its metrics line. */
  losses: number[];
  skipped: number;
  /** True once every epoch is done (only the held-out evaluation may remain). */
  done: boolean;
}

const SFT_STATE_FILE = 'sft-state.json';

/** Reads the `sft-state.json` of an SFT checkpoint. */
export function readSftState(dir: string): SftState {
  return JSON.parse(readFileSync(join(dir, SFT_STATE_FILE), 'utf8')) as SftState;
}

/** Mean token NLL of a batch: −Σ log p(target) / tokens, a scalar tensor with gradients. */
function nllLoss(policy: TfTrainablePolicy, batch: readonly SftExample[]): tf.Scalar {
  const tokens = batch.reduce((n, e) => n + targetTokenIds(policy, e.target).length, 0);
  return sftLoss(policy, batch, tokens);
}

function sameAction(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Held-out NLL and, with a parser, greedy-generation format rate and action accuracy. */
export async function evaluateSft(
  policy: TfTrainablePolicy,
  heldOut: readonly SftExample[],
  {
    parse,
    generations = 32,
    maxNewTokens = 64,
    batchSize = 8,
    generator = policy,
  }: {
    parse?: ReplyParser;
    generations?: number;
    maxNewTokens?: number;
    batchSize?: number;
    /** Who generates the replies (the replicas of a run); default `policy`. */
    generator?: VlmPolicy;
  } = {},
): Promise<SftHeldOutMetrics> {
  const nlls: number[] = [];
  for (let at = 0; at < heldOut.length; at += batchSize) {
    const chunk = heldOut.slice(at, at + batchSize);
    nlls.push(tf.tidy(() => nllLoss(policy, chunk).dataSync()[0]!) * chunk.length);
  }
  const tokenNll = heldOut.length ? nlls.reduce((a, b) => a + b, 0) / heldOut.length : Number.NaN;
  const sample = heldOut.slice(0, generations);
  let formatOk = 0;
  let correct = 0;
  let exact = 0;
  for (let at = 0; at < sample.length; at += batchSize) {
    const chunk = sample.slice(at, at + batchSize);
    const gens = await generator.generate(
      chunk.map((e) => ({ ...e.prompt, info: e.info })),
      { temperature: 0, maxNewTokens, seed: 0 },
    );
    gens.forEach((g, i) => {
      const ex = chunk[i]!;
      if (g.text.trim() === ex.target.trim()) exact += 1;
      if (!parse) return;
      const got = parse(g.text, ex.info ?? {});
      if (isInvalidReply(got)) return;
      formatOk += 1;
      const want = parse(ex.target, ex.info ?? {});
      if (!isInvalidReply(want) && sameAction(got, want)) correct += 1;
    });
  }
  const n = sample.length;
  return {
    examples: heldOut.length,
    tokenNll,
    formatRate: parse && n ? formatOk / n : null,
    actionAccuracy: parse && n ? correct / n : null,
    exactReplyRate: n ? exact / n : null,
    generated: n,
  };
}

/** What {@link runSft} returns. */
export interface SftResult {
  /** One record per epoch. */
  metrics: MetricsRecord[];
  heldOut?: SftHeldOutMetrics;
  trainExamples: number;
  /** True when `stop` ended it before the last epoch (a checkpoint was written). */
  stopped: boolean;
  /** The last SFT checkpoint written by this call. */
  checkpointDir?: string;
}

/**
 * Supervised warm start (spec §3.9): minimise the token NLL of target replies given prompts,
 * Adam with a linear warm-up over `warmupRatio` of the steps then cosine to 0, seeded
 * shuffling each epoch. A held-out split gets NLL, format rate and exact-action accuracy.
 */
export async function runSft(options: RunSftOptions): Promise<SftResult> {
  const config = resolveSftConfig(options.config);
  const seed = options.seed ?? 1;
  const log = options.log ?? ((m: string) => console.warn(m));
  const { policy } = options;
  if (options.examples.length === 0) throw new RangeError('runSft needs at least one example');
  const { train, heldOut } = splitDataset(options.examples, config.evalFraction, seed);
  if (train.length === 0)
    throw new RangeError(`evalFraction ${config.evalFraction} leaves no training examples`);
  const variables = policy.trainableVariables();
  const adam = new Adam(variables, config.adam, policy.learningRateScales?.());
  const accumulator = new GradientAccumulator();
  const stepsPerEpoch = Math.ceil(train.length / config.batchSize);
  const totalSteps = stepsPerEpoch * config.epochs;
  const warmupSteps = Math.ceil(config.warmupRatio * totalSteps);
  const schedule = {
    maxLr: config.lr,
    minLr: 0,
    warmupSteps,
    cosineSteps: totalSteps - warmupSteps,
    afterEnd: 'hold' as const,
  };
  const replicas = options.replicas ?? new LocalReplicas(policy);
  const metrics: MetricsRecord[] = [];
  let step = 0;
  let startEpoch = 0;
  let startBatch = 0;
  let losses: number[] = [];
  let skipped = 0;
  if (options.resumeFrom) {
    const saved = readSftState(options.resumeFrom);
    const mismatch = (
      [
        ['seed', saved.seed, seed],
        ['training examples', saved.trainExamples, train.length],
        ['total steps', saved.totalSteps, totalSteps],
      ] as const
    ).find(([, a, b]) => a !== b);
    if (mismatch)
      throw new Error(
        `Cannot resume SFT from ${options.resumeFrom}: it has ${mismatch[0]} ${mismatch[1]}, this run has ${mismatch[2]}`,
      );
    await policy.load(join(options.resumeFrom, 'policy'));
    replicas.phase = 'sft resume';
    await replicas.syncWeights();
    adam.setState(loadAdamState(options.resumeFrom));
    ({ step, epoch: startEpoch, batch: startBatch, losses, skipped } = saved);
    log(`sft: continuing at epoch ${startEpoch + 1}/${config.epochs}, step ${step}/${totalSteps}`);
  }
  // Every replica takes each optimizer step itself, from the same optimizer state.
  replicas.phase = 'sft setup';
  await replicas.startOptimizer(adam);
  let checkpointDir: string | undefined;
  const saveCheckpoint = async (epoch: number, batch: number) => {
    if (!options.checkpoint) return;
    const state: SftState = {
      format: 'rl4vlm.trainer.sft-state/v1',
      seed,
      trainExamples: train.length,
      totalSteps,
      epoch,
      batch,
      step,
      losses: [...losses],
      skipped,
      done: epoch >= config.epochs,
    };
    checkpointDir = await writeCheckpoint(
      options.checkpoint.dir,
      step,
      async (tmp) => {
        await policy.save(join(tmp, 'policy'));
        saveAdamState(tmp, adam.getState());
        writeFileSync(join(tmp, SFT_STATE_FILE), JSON.stringify(state));
      },
      { keepLast: 1, name: sftCheckpointName(step) },
    );
  };
  let stopped = false;
  try {
    epochs: for (let epoch = startEpoch; epoch < config.epochs; epoch++) {
      const started = performance.now();
      // The order is a pure function of (seed, epoch), so a resumed epoch sees the same batches.
      const order = new Rng(deriveSeed(seed, SeedStream.sftShuffle, epoch)).shuffle(train);
      for (let b = epoch === startEpoch ? startBatch : 0; b < stepsPerEpoch; b++) {
        if (options.stop) {
          await new Promise<void>((resolve) => setImmediate(resolve)); // deliver pending signals
          if (options.stop.stopped) {
            await saveCheckpoint(epoch, b);
            stopped = true;
            break epochs;
          }
        }
        const batch = order.slice(b * config.batchSize, (b + 1) * config.batchSize);
        // Fixed chunks, whose gradients the replicas compute and we sum in chunk order: the
        // step's bits do not depend on how many workers there are.
        const batchTokens = batch.reduce((n, e) => n + targetTokenIds(policy, e.target).length, 0);
        replicas.phase = `sft step ${step}`;
        const chunkResults = await replicas.gradients(
          chunksOf(batch, config.chunkSize).map((examples) => ({
            kind: 'sft' as const,
            examples: examples.map(({ prompt, target }) => ({ prompt, target })),
            batchTokens,
          })),
        );
        const reduced = sumInChunkOrder(chunkResults);
        const loss = reduced.loss;
        const grads = tensorsOfCopy(reduced.gradient, variables);
        const lr = learningRateAt(schedule, step);
        if (Number.isFinite(loss)) {
          accumulator.add(grads);
          const taken = accumulator.take(config.maxGradNorm)!;
          if (Number.isFinite(taken.norm)) {
            const gradient = tf.tidy(() => flattenGradients(taken.grads));
            await replicas.step(adam, gradient, lr);
            gradient.dispose();
            losses.push(loss);
          } else {
            skipped += 1;
            log(`sft step ${step}: non-finite gradient; skipped`);
          }
          for (const g of taken.grads) g.dispose();
        } else {
          skipped += 1;
          log(`sft step ${step}: non-finite loss; skipped`);
        }
        for (const g of grads) g.dispose();
        step += 1;
        options.onProgress?.({ phase: 'sft', done: step, total: totalSteps });
      }
      const record: MetricsRecord = {
        phase: 'sft',
        epoch,
        step,
        lr: learningRateAt(schedule, Math.max(0, step - 1)),
        trainLoss: mean(losses),
        skippedSteps: skipped,
        seconds: (performance.now() - started) / 1000,
      };
      metrics.push(record);
      for (const sink of options.sinks ?? []) await sink.write(record);
      await writeWorkerMemory(replicas, options.sinks ?? [], { epoch });
      losses = [];
      skipped = 0;
      await saveCheckpoint(epoch + 1, 0);
    }
  } finally {
    accumulator.dispose();
    adam.dispose();
  }
  if (stopped) return { metrics, trainExamples: train.length, stopped, checkpointDir };
  let heldOutMetrics: SftHeldOutMetrics | undefined;
  if (heldOut.length > 0) {
    heldOutMetrics = await evaluateSft(policy, heldOut, {
      parse: options.parse,
      generations: config.evalGenerations,
      maxNewTokens: config.maxNewTokens,
      batchSize: config.batchSize,
      generator: new ReplicatedPolicy(policy, replicas),
    });
    const record: MetricsRecord = { phase: 'sft-eval', ...heldOutMetrics };
    metrics.push(record);
    for (const sink of options.sinks ?? []) await sink.write(record);
  }
  return { metrics, heldOut: heldOutMetrics, trainExamples: train.length, stopped, checkpointDir };
}
