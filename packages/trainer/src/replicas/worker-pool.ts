import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type GenerateOptions, type Generation, type Prompt, rowSeeds, type ScoreItem } from '@rl4vlm/policy';
import type { Tensor } from '@tensorflow/tfjs-core';
import { type Adam, flattenGradients } from '../adam.js';
import type { TfTrainablePolicy } from '../scoring.js';
import {
  type ChunkGradients,
  chunksOf,
  evenRanges,
  type GradientChunk,
  type RlLoss,
  type RlLossSpec,
} from './chunk-gradients.js';
import type { ReplicaSetup, WorkerReply, WorkerRequest } from './protocol.js';
import type { ReplicaMemory, Replicas, Scored } from './replicas.js';

/** A replica thread threw or died: the run stops with this, naming the worker and the phase. */
export class ReplicaFailedError extends Error {
  readonly worker: number;
  readonly phase: string;
  constructor(worker: number, workers: number, phase: string, reason: string) {
    super(`Worker ${worker} of ${workers} failed during ${phase}: ${reason}`);
    this.name = 'ReplicaFailedError';
    this.worker = worker;
    this.phase = phase;
  }
}

/** Options of {@link WorkerPool.start}. */
export interface WorkerPoolOptions {
  /** Worker threads to start (≥ 1). */
  workers: number;
  /** The main thread's policy: its weights are copied into every replica. */
  policy: TfTrainablePolicy;
  /** Module URLs or absolute paths of the policy plugin(s) that can create `policyId`. */
  policyModules: string[];
  policyId: string;
  policyOptions?: Record<string, unknown>;
  /** The worker module; default: the built `replicas-worker.js` of this package. */
  workerUrl?: URL;
}

/** The built worker module beside this bundle (dist), or the package's dist when run from sources (tests). */
function defaultWorkerUrl(): URL {
  const beside = new URL('./replicas-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  return new URL('../../dist/replicas-worker.js', import.meta.url);
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  type: WorkerRequest['type'];
}

type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

/**
 * Policy replicas on Node worker threads, each with its own TensorFlow.js engine and a copy of
 * the weights. A worker that throws or exits fails the whole pool at once: every waiting call
 * rejects with a {@link ReplicaFailedError} and the other threads are ended, so a run never hangs
 * on a dead replica. Idle threads do not keep the process alive.
 */
export class WorkerPool implements Replicas {
  readonly size: number;
  /** `N worker threads (tensor backend: …)`, once started. */
  description: string;
  phase = 'start';
  /** The threads, for monitoring (and for tests that kill one). */
  readonly threads: readonly Worker[];
  private readonly pending: Map<number, Pending>[];
  private nextId = 1;
  private failure: ReplicaFailedError | undefined;
  private closing = false;
  /** Milliseconds each worker spent in its handlers, by `worker:type` (for profiles). */
  readonly busyMs = new Map<string, number>();

  private constructor(
    private readonly options: WorkerPoolOptions,
    workerUrl: URL,
  ) {
    this.size = options.workers;
    this.description = `${options.workers} worker threads`;
    this.pending = Array.from({ length: this.size }, () => new Map());
    this.threads = Array.from({ length: this.size }, (_, i) => {
      const thread = new Worker(workerUrl, { name: `rl4vlm-replica-${i}` });
      thread.unref();
      thread.on('message', (reply: WorkerReply) => this.settle(i, reply));
      thread.on('error', (e) => this.fail(i, `it threw: ${e.message}`));
      thread.on('messageerror', (e) => this.fail(i, `a message could not be read: ${e.message}`));
      thread.on('exit', (code) => {
        if (!this.closing) this.fail(i, `its thread exited (code ${code})`);
      });
      return thread;
    });
  }

  /** Starts `workers` threads and builds a replica of `policy` in each. */
  static async start(options: WorkerPoolOptions): Promise<WorkerPool> {
    if (!Number.isInteger(options.workers) || options.workers < 1)
      throw new RangeError(`workers must be a positive integer, got ${options.workers}`);
    if (!options.policy.exportWeights)
      throw new Error(
        `Policy '${options.policyId}' has no exportWeights(): it cannot be copied to worker threads; use workers: 1`,
      );
    const pool = new WorkerPool(options, options.workerUrl ?? defaultWorkerUrl());
    const setup: ReplicaSetup = {
      policyModules: options.policyModules,
      policyId: options.policyId,
      policyOptions: options.policyOptions ?? {},
      weights: options.policy.exportWeights(),
    };
    try {
      const backends = await Promise.all(pool.threads.map((_, i) => pool.call(i, { type: 'init', setup })));
      pool.description = `${options.workers} worker threads (tensor backend: ${[...new Set(backends)].join(', ')})`;
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  private call(worker: number, body: RequestBody, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Error('The worker pool is closed'));
    const id = this.nextId++;
    const thread = this.threads[worker]!;
    return new Promise((resolve, reject) => {
      const pending = this.pending[worker]!;
      pending.set(id, { resolve, reject, type: body.type });
      if (pending.size === 1) thread.ref();
      try {
        thread.postMessage({ ...body, id }, transfer);
      } catch (e) {
        this.fail(worker, `its ${body.type} request could not be sent: ${(e as Error).message}`);
      }
    });
  }

  private settle(worker: number, reply: WorkerReply): void {
    const pending = this.pending[worker]!;
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    if (!reply.ok) {
      this.fail(worker, `its ${waiting.type} handler threw: ${reply.error.message}`);
      return;
    }
    pending.delete(reply.id);
    if (reply.ms !== undefined) {
      const key = `${worker}:${waiting.type}`;
      this.busyMs.set(key, (this.busyMs.get(key) ?? 0) + reply.ms);
    }
    if (pending.size === 0) this.threads[worker]!.unref();
    waiting.resolve(reply.result);
  }

  private fail(worker: number, reason: string): void {
    if (this.failure || this.closing) return;
    const doing = [...this.pending[worker]!.values()].map((p) => p.type);
    const phase = doing.length ? `${this.phase} (${doing[0]})` : this.phase;
    this.failure = new ReplicaFailedError(worker, this.size, phase, reason);
    for (const pending of this.pending) {
      for (const p of pending.values()) p.reject(this.failure);
      pending.clear();
    }
    // The run stops: end every other thread too, so none is left behind.
    this.closing = true;
    for (const t of this.threads) void t.terminate();
  }

  async generate(prompts: readonly Prompt[], options: GenerateOptions = {}): Promise<Generation[]> {
    const n = prompts.length;
    const seeds = options.seeds ?? rowSeeds(options.seed ?? Math.floor(Math.random() * 2 ** 31), n);
    const ranges = evenRanges(n, this.size);
    const parts = await Promise.all(
      ranges.map(([start, end], i) =>
        start === end
          ? Promise.resolve([])
          : this.call(i, {
              type: 'generate',
              prompts: prompts.slice(start, end),
              options: { ...options, seed: undefined, seeds: seeds.slice(start, end) },
            }),
      ),
    );
    return (parts as Generation[][]).flat();
  }

  async setRlLoss(spec: RlLossSpec, _local: RlLoss): Promise<void> {
    await Promise.all(this.threads.map((_, i) => this.call(i, { type: 'rlLoss', spec })));
  }

  async gradients(chunks: readonly GradientChunk[]): Promise<ChunkGradients[]> {
    const ranges = evenRanges(chunks.length, this.size);
    const parts = await Promise.all(
      ranges.map(([start, end], i) =>
        start === end
          ? Promise.resolve([])
          : this.call(i, { type: 'gradients', chunks: chunks.slice(start, end) }),
      ),
    );
    return (parts as ChunkGradients[][]).flat();
  }

  async score(
    items: readonly ScoreItem[],
    options: { temperature: number; batchSize: number },
  ): Promise<Scored> {
    const chunks = chunksOf(items, options.batchSize);
    const ranges = evenRanges(chunks.length, this.size);
    const parts = (await Promise.all(
      ranges.map(([start, end], i) =>
        start === end
          ? Promise.resolve([])
          : this.call(i, {
              type: 'score',
              chunks: chunks.slice(start, end),
              temperature: options.temperature,
            }),
      ),
    )) as Scored[][];
    const scored = parts.flat();
    return { tokenLogProbs: scored.flatMap((s) => s.tokenLogProbs), values: scored.flatMap((s) => s.values) };
  }

  async syncWeights(): Promise<void> {
    const bytes = this.options.policy.exportWeights!({ trainableOnly: true });
    await Promise.all(this.threads.map((_, i) => this.call(i, { type: 'weights', bytes })));
  }

  async startOptimizer(adam: Adam): Promise<void> {
    const request = {
      type: 'optimizer' as const,
      settings: adam.settings,
      learningRateScales: [...adam.learningRateScales],
      state: adam.getState(),
    };
    await Promise.all(this.threads.map((_, i) => this.call(i, request)));
  }

  async step(adam: Adam, grads: readonly Tensor[], learningRate: number): Promise<void> {
    const flat = flattenGradients(grads);
    try {
      // The replicas step while the main thread takes the same step on its own policy.
      const gradients = new Float32Array(flat.dataSync() as Float32Array);
      const stepped = this.threads.map((_, i) => this.call(i, { type: 'step', gradients, learningRate }));
      adam.applyFlat(flat, learningRate);
      await Promise.all(stepped);
    } finally {
      flat.dispose();
    }
  }

  async memory(): Promise<ReplicaMemory[]> {
    const all = await Promise.all(this.threads.map((_, i) => this.call(i, { type: 'memory' })));
    return (all as Omit<ReplicaMemory, 'worker'>[]).map((m, worker) => ({ worker, ...m }));
  }

  /** SHA-256 of every weight of each replica, in worker order: equal hashes = bit-identical replicas. */
  async weightHashes(): Promise<string[]> {
    return (await Promise.all(this.threads.map((_, i) => this.call(i, { type: 'weightsHash' })))) as string[];
  }

  /** Threads still running. */
  get alive(): number {
    return this.threads.filter((t) => t.threadId !== -1).length;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.threads.map((t) => t.terminate()));
  }
}
