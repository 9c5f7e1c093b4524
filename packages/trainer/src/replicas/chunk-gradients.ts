import type { Prompt } from '@rl4vlm/env';
import * as tf from '@tensorflow/tfjs-core';
import { type ActionSplit, tokenWeights } from '../action-split.js';
import { flattenGradients } from '../adam.js';
import type { PpoConfig } from '../config.js';
import type { PpoLossInput, PpoLossOutput } from '../ppo-loss.js';
import { lossAndGrads, type TfTrainablePolicy } from '../scoring.js';
import { readInto } from './read-into.js';

/**
 * One SFT gradient chunk: examples and the token count of the whole batch they belong to. The
 * chunk's loss is −Σ log p(target tokens) / `batchTokens`, so the chunks' losses (and gradients)
 * add up to the batch's mean token NLL whichever worker computes which chunk.
 */
export interface SftChunk {
  kind: 'sft';
  examples: { prompt: Prompt; target: string }[];
  batchTokens: number;
}

/** One sample as an RL chunk needs it: what to score and the columns the loss compares with. */
export interface RlChunkSample {
  prompt: Prompt;
  responseTokenIds: number[];
  split: ActionSplit;
  /** λ-weighted log-prob of the reply under the rollout policy. */
  oldLogProb: number;
  advantage: number;
  /** Value target (0 for a critic-free algorithm). */
  return: number;
  oldValue: number;
  refTokenLogProbs?: number[];
}

/**
 * One chunk of an RL minibatch (`ppo.chunkSize` samples, one scoring forward pass): the loss is
 * the run's algorithm loss (see {@link RlLoss}) over the chunk times `weight`, the chunk's share
 * of its minibatch (samples / minibatch size), so the chunks' losses add up to the minibatch's
 * mean whichever worker computes which chunk.
 */
export interface RlChunk {
  kind: 'rl';
  samples: RlChunkSample[];
  /** The chunk's samples over its minibatch's; 1 (the loss unscaled) when the chunk is the whole minibatch. */
  weight: number;
}

/** How a replica turns an {@link RlChunk} into a loss: the algorithm's minibatch loss and the scoring settings. */
export interface RlLoss {
  loss: (input: PpoLossInput) => PpoLossOutput;
  /** λ, the weight of thought tokens. */
  thoughtCoef: number;
  scoreTemperature: number;
}

/**
 * What a worker needs to rebuild a run's {@link RlLoss}: the algorithm (a built-in id, or one
 * found in plugin modules the worker imports), its settings and the shared RL settings.
 */
export interface RlLossSpec {
  algorithm: string;
  /** Module URLs or absolute paths of the algorithm plugin that provides it; empty for a built-in. */
  modules: string[];
  settings: unknown;
  rl: PpoConfig;
  scoreTemperature: number;
}

/** A piece of one optimizer step's batch that one replica turns into gradients. */
export type GradientChunk = SftChunk | RlChunk;

/** What a replica sends back for one chunk: its loss and its gradient. */
export interface ChunkGradients {
  /** The chunk's loss, weighted as its gradients are (an RL chunk's by its `weight`). */
  loss: number;
  /**
   * Every trainable variable's gradient in one flat vector, in variable order (as
   * `flattenGradients` lays them out): one buffer to send between threads, not one per variable.
   */
  gradient: Float32Array;
  /**
   * RL: policy loss, value loss, entropy, KL to start, approx-KL, clip fraction, guard fired,
   * each over the chunk alone (not weighted).
   */
  stats?: number[];
}

/** The token ids an SFT target is trained on: the reply and the end-of-sequence token. */
export function targetTokenIds(policy: Pick<TfTrainablePolicy, 'tokenizer'>, text: string): number[] {
  return [...policy.tokenizer.encode(text), policy.tokenizer.eosId];
}

/** −Σ log p(target) over a chunk's real tokens, divided by `denominator`: a scalar with gradients. */
export function sftLoss(
  policy: TfTrainablePolicy,
  examples: readonly { prompt: Prompt; target: string }[],
  denominator: number,
): tf.Scalar {
  const out = policy.score(
    examples.map((e) => ({ prompt: e.prompt, responseTokenIds: targetTokenIds(policy, e.target) })),
  );
  return tf.div(tf.neg(tf.sum(tf.mul(out.logProbs, out.mask))), Math.max(denominator, 1)) as tf.Scalar;
}

/** The RL loss of one minibatch chunk, its statistics kept (the caller reads and disposes them). */
function rlChunkLoss(
  policy: TfTrainablePolicy,
  chunk: RlChunk,
  rl: RlLoss,
  keep: (stats: tf.Tensor[]) => void,
): tf.Scalar {
  const { samples } = chunk;
  const out = policy.score(
    samples.map((s) => ({ prompt: s.prompt, responseTokenIds: s.responseTokenIds })),
    { temperature: rl.scoreTemperature },
  );
  const maxLen = out.logProbs.shape[1] as number;
  const r = rl.loss({
    tokenLogProbs: out.logProbs,
    tokenWeights: tf.tensor2d(
      samples.map((s) => tokenWeights(s.split, rl.thoughtCoef, maxLen)),
      [samples.length, maxLen],
    ),
    mask: out.mask,
    values: out.values,
    entropy: out.entropy,
    refTokenLogProbs: samples[0]!.refTokenLogProbs
      ? tf.tensor2d(
          samples.map((s) => padTo(s.refTokenLogProbs!, maxLen)),
          [samples.length, maxLen],
        )
      : undefined,
    oldLogProbs: tf.tensor1d(samples.map((s) => s.oldLogProb)),
    advantages: tf.tensor1d(samples.map((s) => s.advantage)),
    returns: tf.tensor1d(samples.map((s) => s.return)),
    oldValues: tf.tensor1d(samples.map((s) => s.oldValue)),
  });
  keep(
    [r.policyLoss, r.valueLoss, r.entropy, r.kl, r.approxKl, r.clipFraction, r.guardFired].map((t) =>
      tf.keep(t),
    ),
  );
  // A whole minibatch keeps its loss untouched (the same bits as before chunks existed).
  return chunk.weight === 1 ? r.loss : (tf.mul(r.loss, chunk.weight) as tf.Scalar);
}

function padTo(xs: readonly number[], n: number): number[] {
  const out = new Array<number>(n).fill(0);
  for (let i = 0; i < Math.min(n, xs.length); i++) out[i] = xs[i]!;
  return out;
}

/**
 * Computes one chunk's loss and gradients on `policy` (in a worker or in-process: the same
 * code); an RL chunk needs the run's {@link RlLoss}. The gradient is written into `into` when
 * given (a buffer kept between steps, or a worker's shared area), else into a new array.
 */
export function computeChunkGradients(
  policy: TfTrainablePolicy,
  chunk: GradientChunk,
  rl?: RlLoss,
  into?: Float32Array,
): ChunkGradients {
  const variables = policy.trainableVariables();
  let stats: tf.Tensor[] = [];
  const lossFn = (): tf.Scalar => {
    if (chunk.kind === 'sft') return sftLoss(policy, chunk.examples, chunk.batchTokens);
    if (!rl) throw new Error('An RL gradient chunk needs the run loss (setRlLoss) first');
    return rlChunkLoss(policy, chunk, rl, (kept) => {
      stats = kept;
    });
  };
  const { loss, grads } = lossAndGrads(lossFn, variables);
  const flat = tf.tidy(() => flattenGradients(grads)); // tidy: the reshaped views would keep the gradients alive
  for (const g of grads) g.dispose();
  const gradient = readInto(flat, into ?? new Float32Array(flat.size));
  flat.dispose();
  const numbers = stats.map((t) => t.dataSync()[0]!);
  for (const t of stats) t.dispose();
  return chunk.kind === 'rl' ? { loss, gradient, stats: numbers } : { loss, gradient };
}

/**
 * The one reduce point: sums chunk gradients in chunk order (float32, left to right), so the
 * result is the same bits however many workers computed the chunks. It consumes the chunks: the
 * sum is written into the first chunk's buffer (no 2.5 MB allocation per step for `tiny`).
 */
export function sumInChunkOrder(chunks: readonly ChunkGradients[]): { loss: number; gradient: Float32Array } {
  if (chunks.length === 0) throw new RangeError('sumInChunkOrder needs at least one chunk');
  const acc = chunks[0]!.gradient;
  let loss = chunks[0]!.loss;
  for (let c = 1; c < chunks.length; c++) {
    const next = chunks[c]!;
    if (next.gradient.length !== acc.length)
      throw new RangeError(
        `chunk ${c} has ${next.gradient.length} gradient values, chunk 0 has ${acc.length}`,
      );
    loss += next.loss;
    const add = next.gradient;
    // Stored into float32: each addition rounds as a float32 add would.
    for (let k = 0; k < acc.length; k++) acc[k] = acc[k]! + add[k]!;
  }
  return { loss, gradient: acc };
}

/** How many values a policy's gradient has: the sizes of its trainable variables added up. */
export function gradientSize(policy: Pick<TfTrainablePolicy, 'trainableVariables'>): number {
  return policy.trainableVariables().reduce((n, v) => n + v.size, 0);
}

/** Splits `items` into consecutive chunks of `size` (the last may be shorter). */
export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let at = 0; at < items.length; at += size) out.push(items.slice(at, at + size));
  return out;
}

/** `count` items dealt into `parts` contiguous ranges whose sizes differ by at most one: `[start, end)` each. */
export function evenRanges(count: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let p = 0; p < parts; p++) {
    const size = Math.floor(count / parts) + (p < count % parts ? 1 : 0);
    out.push([start, start + size]);
    start += size;
  }
  return out;
}
