import type { GenerateOptions, Generation, Prompt, ScoreItem, VlmPolicy } from '@rl4vlm/policy';
import * as tf from '@tensorflow/tfjs-core';
import type { Adam } from '../adam.js';
import type { MetricsRecord, MetricsSink } from '../metrics.js';
import { scoreNoGrad, type TfTrainablePolicy } from '../scoring.js';
import {
  type ChunkGradients,
  computeChunkGradients,
  type GradientChunk,
  gradientSize,
  type RlLoss,
  type RlLossSpec,
} from './chunk-gradients.js';
import { ReusedBuffers } from './read-into.js';

/** What {@link Replicas.score} returns, in item order. */
export interface Scored {
  tokenLogProbs: number[][];
  values: number[];
}

/** Memory of one replica, as its thread sees it. */
export interface ReplicaMemory {
  /** The replica (worker) index. */
  worker: number;
  /** V8 heap in use by the replica's isolate. */
  heapUsedBytes: number;
  /** Bytes held by the replica's tensors (`tf.memory().numBytes`). */
  tensorBytes: number;
}

/**
 * Copies of the policy that do the data-parallel work of a run (the main thread's policy is one
 * of them): generation for a batch of prompts (each replica answers a contiguous shard) and gradients of minibatch chunks. The main
 * thread sums the chunk gradients in chunk order and {@link step} applies the same optimizer
 * step to the main policy and to every replica (each with its own copy of the optimizer), so
 * replicas stay bit-identical without weights being copied; {@link syncWeights} copies them only
 * after the main policy loads a checkpoint.
 */
export interface Replicas {
  /** How many replicas work in parallel (1 for {@link LocalReplicas}). */
  readonly size: number;
  /** What a log line calls them, e.g. `2 replicas: the main thread and 1 worker thread`. */
  readonly description: string;
  /** The run phase errors are reported in (`sft`, `rollout`, `update`, `eval`); set by the caller. */
  phase: string;
  /** One generation per prompt, in order; row `i` samples with its own seed (see `rowSeeds`). */
  generate(prompts: readonly Prompt[], options?: GenerateOptions): Promise<Generation[]>;
  /**
   * Sets the loss RL chunks are trained with for the rest of the run: `local` in-process, or
   * rebuilt from `spec` on each worker (the algorithm's id, plugin modules and settings).
   */
  setRlLoss(spec: RlLossSpec, local: RlLoss): Promise<void>;
  /**
   * Each chunk's loss and gradients, in chunk order. The gradients live in buffers the replicas
   * reuse: read (or sum) them before the next call, which overwrites them.
   */
  gradients(chunks: readonly GradientChunk[]): Promise<ChunkGradients[]>;
  /**
   * Per-token log-probs (trimmed to each response) and values without gradients, scored in fixed
   * chunks of `batchSize` items: the same bits as `scoreNoGrad(policy, items, {batchSize})`.
   */
  score(items: readonly ScoreItem[], options: { temperature: number; batchSize: number }): Promise<Scored>;
  /** Copies the main policy's trainable weights into every replica (after it loads a checkpoint). */
  syncWeights(): Promise<void>;
  /**
   * Gives every replica an optimizer like `adam`: its settings, learning-rate scales and state
   * (call it again after `adam.setState`). Until the next call, {@link step} steps them all.
   */
  startOptimizer(adam: Adam): Promise<void>;
  /**
   * One optimizer step with `gradient` (every variable's, flat in variable order) at
   * `learningRate`: `adam` updates the main policy and every replica applies the same step to
   * its own weights, on the same bits.
   */
  step(adam: Adam, gradient: tf.Tensor1D, learningRate: number): Promise<void>;
  /** Memory per worker thread (none in-process). */
  memory(): Promise<ReplicaMemory[]>;
  /** Stops the replicas (threads are ended); safe to call twice. */
  close(): Promise<void>;
}

/** The replica that is the main thread's own policy: `workers: 1`, and the reference for N workers. */
export class LocalReplicas implements Replicas {
  readonly size = 1;
  readonly description: string;
  phase = 'run';
  private rlLoss: RlLoss | undefined;
  private readonly buffers: ReusedBuffers;

  constructor(private readonly policy: TfTrainablePolicy) {
    this.description = `1 worker, in-process (tensor backend: ${tf.getBackend()})`;
    this.buffers = new ReusedBuffers(gradientSize(policy));
  }

  generate(prompts: readonly Prompt[], options?: GenerateOptions): Promise<Generation[]> {
    return this.policy.generate(prompts, options);
  }

  async setRlLoss(_spec: RlLossSpec, local: RlLoss): Promise<void> {
    this.rlLoss = local;
  }

  async gradients(chunks: readonly GradientChunk[]): Promise<ChunkGradients[]> {
    return chunks.map((c, i) => computeChunkGradients(this.policy, c, this.rlLoss, this.buffers.at(i)));
  }

  async score(
    items: readonly ScoreItem[],
    options: { temperature: number; batchSize: number },
  ): Promise<Scored> {
    return scoreNoGrad(this.policy, items, options);
  }

  async syncWeights(): Promise<void> {}

  async startOptimizer(_adam: Adam): Promise<void> {}

  async step(adam: Adam, gradient: tf.Tensor1D, learningRate: number): Promise<void> {
    adam.applyFlat(gradient, learningRate);
  }

  /** None: there is no worker thread (the process's own memory is the replica's). */
  async memory(): Promise<ReplicaMemory[]> {
    return [];
  }

  async close(): Promise<void> {}
}

/** A {@link VlmPolicy} whose `generate` runs on the replicas: what `evaluate`, rollouts and `serve` are given. */
export class ReplicatedPolicy implements VlmPolicy {
  readonly id: string;
  constructor(
    base: VlmPolicy,
    private readonly replicas: Replicas,
  ) {
    this.id = base.id;
  }

  generate(prompts: readonly Prompt[], options?: GenerateOptions): Promise<Generation[]> {
    return this.replicas.generate(prompts, options);
  }
}

/**
 * A `phase: 'workers'` metrics line with each worker thread's memory (`worker<i>HeapMb`,
 * `worker<i>TensorMb`) and `extra` (the update or epoch it follows); nothing in-process, where
 * the process's own memory is the worker's. Its own line, so the training records of a run do
 * not depend on the worker count.
 */
export async function writeWorkerMemory(
  replicas: Replicas,
  sinks: readonly MetricsSink[],
  extra: Record<string, number>,
): Promise<void> {
  const memory = await replicas.memory();
  if (memory.length === 0) return;
  const record: MetricsRecord = { phase: 'workers', ...extra, workers: memory.length };
  const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
  for (const m of memory) {
    record[`worker${m.worker}HeapMb`] = mb(m.heapUsedBytes);
    record[`worker${m.worker}TensorMb`] = mb(m.tensorBytes);
  }
  for (const sink of sinks) await sink.write(record);
}
