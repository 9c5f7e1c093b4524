import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type GenerateOptions, type Generation, type Prompt, rowSeeds, type ScoreItem } from '@rl4vlm/policy';
import { getBackend, type Tensor1D } from '@tensorflow/tfjs-core';
import type { Adam } from '../adam.js';
import { scoreNoGrad, type TfTrainablePolicy } from '../scoring.js';
import {
  type ChunkGradients,
  chunksOf,
  computeChunkGradients,
  evenRanges,
  type GradientChunk,
  gradientSize,
  type RlLoss,
  type RlLossSpec,
} from './chunk-gradients.js';
import type { ReplicaSetup, WorkerReply, WorkerRequest } from './protocol.js';
import { ReusedBuffers, readInto } from './read-into.js';
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
  /**
   * Replicas (≥ 2): the main thread's own policy is replica 0 and `workers − 1` worker threads
   * hold the others, so N replicas keep N cores busy with N threads.
   */
  workers: number;
  /** The main thread's policy (replica 0): its weights are copied into every worker thread. */
  policy: TfTrainablePolicy;
  /** Module URLs or absolute paths of the policy plugin(s) that can create `policyId`. */
  policyModules: string[];
  policyId: string;
  policyOptions?: Record<string, unknown>;
  /** The worker module; default: the built `replicas-worker.js` of this package. */
  workerUrl?: URL;
}

/** What a log line calls `workers` replicas. */
function describe(workers: number): string {
  const threads = workers - 1;
  return `${workers} replicas: the main thread and ${threads} worker thread${threads === 1 ? '' : 's'}`;
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
 * N policy replicas: the main thread's own policy (worker 0) and N − 1 Node worker threads
 * (workers 1 … N − 1), each with its own TensorFlow.js engine and a copy of the weights. Every
 * call deals its work into N contiguous shares; the main thread computes share 0 itself while
 * the threads compute theirs, so no core waits on a coordinator that only sums (and the main
 * policy, which checkpoints and scores read, takes each optimizer step as one of the N).
 * A replica that throws or exits fails the whole pool at once: every waiting call rejects with a
 * {@link ReplicaFailedError} and the threads are ended, so a run never hangs on a dead replica.
 * Idle threads do not keep the process alive.
 */
export class WorkerPool implements Replicas {
  readonly size: number;
  /** `N replicas: the main thread and N − 1 worker threads (tensor backend: …)`, once started. */
  description: string;
  phase = 'start';
  /** The worker threads: `threads[i]` is worker i + 1 (for monitoring, and for tests that kill one). */
  readonly threads: readonly Worker[];
  private readonly pending: Map<number, Pending>[];
  private nextId = 1;
  private failure: ReplicaFailedError | undefined;
  private closing = false;
  /** Milliseconds each worker spent in its handlers, by `worker:type` (for profiles; worker 0 is the main thread). */
  readonly busyMs = new Map<string, number>();
  /** The run's loss for the main thread's share of RL chunks. */
  private localRlLoss: RlLoss | undefined;
  /** Values in one gradient (every trainable variable's). */
  private readonly gradientSize: number;
  /** The main thread's share's gradient buffers, reused call after call. */
  private readonly localBuffers: ReusedBuffers;
  /** Each thread's gradient area (SharedArrayBuffer), grown when a call gives it more chunks. */
  private readonly areas: (SharedArrayBuffer | undefined)[];
  /** The summed gradient each step hands to the threads (one shared buffer, not a copy per thread). */
  private readonly stepArea: Float32Array;

  private constructor(
    private readonly options: WorkerPoolOptions,
    workerUrl: URL,
  ) {
    this.size = options.workers;
    this.description = describe(options.workers);
    this.gradientSize = gradientSize(options.policy);
    this.localBuffers = new ReusedBuffers(this.gradientSize);
    this.areas = Array.from({ length: this.size - 1 }, () => undefined);
    this.stepArea = new Float32Array(new SharedArrayBuffer(this.gradientSize * 4));
    this.pending = Array.from({ length: this.size }, () => new Map());
    this.threads = Array.from({ length: this.size - 1 }, (_, k) => {
      const i = k + 1;
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
    if (!Number.isInteger(options.workers) || options.workers < 2)
      throw new RangeError(
        `a WorkerPool needs workers ≥ 2 (the main thread and at least one thread), got ${options.workers}; for 1 use LocalReplicas`,
      );
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
      const backends = await pool.onThreads({ type: 'init', setup });
      const names = [...new Set([getBackend(), ...(backends as string[])])].join(', ');
      pool.description = `${describe(options.workers)} (tensor backend: ${names})`;
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  /** One request to worker `worker` (≥ 1, a thread). */
  private call(worker: number, body: RequestBody, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Error('The worker pool is closed'));
    const id = this.nextId++;
    const thread = this.threads[worker - 1]!;
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

  /** The same request to every thread; their results in worker order (workers 1 … N − 1). */
  private onThreads(body: RequestBody): Promise<unknown[]> {
    return Promise.all(this.threads.map((_, k) => this.call(k + 1, body)));
  }

  /**
   * Deals `count` items into one contiguous share per replica: the threads' shares are sent
   * first, then the main thread computes share 0 with `local` while they work. The parts come
   * back in share order. An error of the main thread's share fails the pool as a thread's would.
   */
  private async shared<T>(
    count: number,
    type: WorkerRequest['type'],
    remote: (start: number, end: number, worker: number) => RequestBody,
    local: (start: number, end: number) => Promise<T[]> | T[],
  ): Promise<T[]> {
    if (this.failure) throw this.failure;
    const ranges = evenRanges(count, this.size);
    const sent = Promise.all(
      ranges
        .slice(1)
        .map(([start, end], k) =>
          start === end ? Promise.resolve([]) : (this.call(k + 1, remote(start, end, k + 1)) as Promise<T[]>),
        ),
    );
    sent.catch(() => {}); // awaited below; a failure while share 0 runs must not go unhandled
    const [start, end] = ranges[0]!;
    let own: T[] = [];
    const started = performance.now();
    try {
      own = start === end ? [] : await local(start, end);
    } catch (e) {
      this.fail(0, `its ${type} share on the main thread threw: ${(e as Error).message}`);
      throw this.failure ?? e;
    }
    const key = `0:${type}`;
    this.busyMs.set(key, (this.busyMs.get(key) ?? 0) + performance.now() - started);
    const parts = await sent;
    return [own, ...parts].flat();
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
    if (pending.size === 0) this.threads[worker - 1]!.unref();
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
    const seeds =
      options.seeds ?? rowSeeds(options.seed ?? Math.floor(Math.random() * 2 ** 31), prompts.length);
    const shard = (start: number, end: number): GenerateOptions => ({
      ...options,
      seed: undefined,
      seeds: seeds.slice(start, end),
    });
    return this.shared<Generation>(
      prompts.length,
      'generate',
      (start, end) => ({ type: 'generate', prompts: prompts.slice(start, end), options: shard(start, end) }),
      (start, end) => this.options.policy.generate(prompts.slice(start, end), shard(start, end)),
    );
  }

  async setRlLoss(spec: RlLossSpec, local: RlLoss): Promise<void> {
    this.localRlLoss = local;
    await this.onThreads({ type: 'rlLoss', spec });
  }

  async gradients(chunks: readonly GradientChunk[]): Promise<ChunkGradients[]> {
    return this.shared<ChunkGradients>(
      chunks.length,
      'gradients',
      (start, end, worker) => ({
        type: 'gradients',
        chunks: chunks.slice(start, end),
        area: this.areaFor(worker, end - start),
      }),
      (start, end) =>
        chunks
          .slice(start, end)
          .map((c, i) =>
            computeChunkGradients(this.options.policy, c, this.localRlLoss, this.localBuffers.at(i)),
          ),
    );
  }

  /** A new gradient area for `worker` when its current one holds fewer than `chunks` gradients; else undefined (it keeps its own). */
  private areaFor(worker: number, chunks: number): SharedArrayBuffer | undefined {
    const bytes = chunks * this.gradientSize * 4;
    const current = this.areas[worker - 1];
    if (current && current.byteLength >= bytes) return undefined;
    const area = new SharedArrayBuffer(bytes);
    this.areas[worker - 1] = area;
    return area;
  }

  async score(
    items: readonly ScoreItem[],
    options: { temperature: number; batchSize: number },
  ): Promise<Scored> {
    const chunks = chunksOf(items, options.batchSize);
    const { temperature } = options;
    const scored = await this.shared<Scored>(
      chunks.length,
      'score',
      (start, end) => ({ type: 'score', chunks: chunks.slice(start, end), temperature }),
      (start, end) =>
        chunks
          .slice(start, end)
          .map((c) => scoreNoGrad(this.options.policy, c, { temperature, batchSize: c.length })),
    );
    return { tokenLogProbs: scored.flatMap((s) => s.tokenLogProbs), values: scored.flatMap((s) => s.values) };
  }

  async syncWeights(): Promise<void> {
    const bytes = this.options.policy.exportWeights!({ trainableOnly: true });
    await this.onThreads({ type: 'weights', bytes });
  }

  async startOptimizer(adam: Adam): Promise<void> {
    const request = {
      type: 'optimizer' as const,
      settings: adam.settings,
      learningRateScales: [...adam.learningRateScales],
      state: adam.getState(),
    };
    await this.onThreads(request);
  }

  async step(adam: Adam, gradient: Tensor1D, learningRate: number): Promise<void> {
    if (this.failure) throw this.failure;
    // The threads step while the main thread takes the same step on its own policy; they all
    // read the one shared copy of the gradient, which the next step overwrites only after they replied.
    const gradients = readInto(gradient, this.stepArea);
    const stepped = this.onThreads({ type: 'step', gradients, learningRate });
    stepped.catch(() => {}); // awaited below
    adam.applyFlat(gradient, learningRate);
    await stepped;
  }

  async memory(): Promise<ReplicaMemory[]> {
    const all = await this.onThreads({ type: 'memory' });
    return (all as Omit<ReplicaMemory, 'worker'>[]).map((m, k) => ({ worker: k + 1, ...m }));
  }

  /** SHA-256 of every weight of each replica, in worker order (0 = the main thread): equal hashes = bit-identical replicas. */
  async weightHashes(): Promise<string[]> {
    const main = createHash('sha256').update(this.options.policy.exportWeights!()).digest('hex');
    return [main, ...((await this.onThreads({ type: 'weightsHash' })) as string[])];
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
