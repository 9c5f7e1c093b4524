import { hostname } from 'node:os';
import type { VlmPolicy } from '@rl4vlm/policy';
import { collectRollout, type TextEnvLike } from '@rl4vlm/trainer';
import { type Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { type RedisConnectionOptions, redisOptions } from './connection.js';
import {
  DEFAULT_QUEUE,
  promptHash,
  QUEUE_PREFIX,
  type RolloutJob,
  type RolloutResult,
  rolloutJobSchema,
} from './job.js';
import { applyWeights, type HasTrainableVariables, WeightsCache } from './weights.js';

/** A policy a worker can load published weights into. */
export type WorkerPolicy = VlmPolicy & HasTrainableVariables;

/** Options of {@link startRolloutWorker}. */
export interface RolloutWorkerOptions {
  connection: RedisConnectionOptions;
  /** BullMQ queue name; the learner's must match. Default `rl4vlm-rollouts`. */
  queue?: string;
  /** Builds the policy a job's `policy` spec names (once per distinct spec). */
  createPolicy: (spec: unknown) => Promise<WorkerPolicy> | WorkerPolicy;
  /** Builds `count` envs for a job's `env` spec, the first being global env `envOffset`. */
  createEnvs: (spec: unknown, count: number, envOffset: number) => Promise<TextEnvLike[]> | TextEnvLike[];
  /**
   * How long a job's lock lives without renewal (default 30 s). A worker that dies holds its job
   * this long at most before another worker's stalled-job check takes it over; it must exceed the
   * longest single rollout step, during which a busy worker cannot renew.
   */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (default 30 s). */
  stalledIntervalMs?: number;
  /** Stalls (worker deaths) a job survives before it fails (default 3). */
  maxStalledCount?: number;
  /** A name for this worker in results and logs (default `host:pid`). */
  name?: string;
  log?: (message: string) => void;
}

/** A running worker. */
export interface RolloutWorkerHandle {
  readonly worker: Worker;
  /** Jobs finished by this worker. */
  readonly completed: () => number;
  /** Stops taking jobs, lets the running one finish, disconnects. */
  close(): Promise<void>;
}

/**
 * Takes rollout jobs from the queue and plays them: fetches the job's policy version (checked by
 * hash, cached), plays its envs with `collectRollout` from the job's seeds, and returns token ids,
 * log-probs, values, rewards and dones — no prompts or images; the learner replays its own envs.
 *
 * @example
 * const w = await startRolloutWorker({
 *   connection: { url: 'redis://127.0.0.1:6379' },
 *   createPolicy: (spec) => policies.create(spec.id, spec.options),
 *   createEnvs: (spec, n) => makeTextEnvs(envs, spec, n),
 * });
 */
export async function startRolloutWorker(o: RolloutWorkerOptions): Promise<RolloutWorkerHandle> {
  const name = o.name ?? `${hostname()}:${process.pid}`;
  const log = o.log ?? ((m: string) => console.error(m));
  const opts = redisOptions(o.connection, 'worker');
  const redis = new Redis(opts);
  redis.on('error', () => {}); // reconnects on its own; a job that needs it fails and is retried
  const cache = new WeightsCache(2);
  const policies = new Map<string, { policy: WorkerPolicy; sha: string | null }>();
  const envs = new Map<string, TextEnvLike[]>();
  let completed = 0;

  const play = async (job: Job): Promise<RolloutResult> => {
    const parsed = rolloutJobSchema.safeParse(job.data);
    if (!parsed.success)
      throw new Error(`job ${job.id}: not an rl4vlm rollout job (${parsed.error.issues[0]?.message})`);
    const j: RolloutJob = parsed.data;
    const started = performance.now();
    const policyKey = JSON.stringify(j.policy);
    let p = policies.get(policyKey);
    if (!p) {
      p = { policy: await o.createPolicy(j.policy), sha: null };
      policies.set(policyKey, p);
    }
    if (p.sha !== j.weights.sha256) {
      applyWeights(p.policy, await cache.get(redis, j.weights));
      p.sha = j.weights.sha256;
    }
    const envKey = `${JSON.stringify(j.env)}|${j.envOffset}|${j.numEnvs}`;
    let local = envs.get(envKey);
    if (!local) {
      local = await o.createEnvs(j.env, j.numEnvs, j.envOffset);
      if (local.length !== j.numEnvs)
        throw new Error(`createEnvs returned ${local.length} envs for a job of ${j.numEnvs}`);
      envs.set(envKey, local);
    }
    const rollout = await collectRollout({
      envs: local,
      policy: p.policy,
      numSteps: j.numSteps,
      seed: j.seed,
      update: j.update,
      envOffset: j.envOffset,
      generate: j.generate,
      thoughtCoef: 1, // the learner splits thought from action and weights it on replay
    });
    return {
      format: 'rl4vlm.rollout-result/v1',
      jobId: String(job.id),
      update: j.update,
      envOffset: j.envOffset,
      weightsSha256: j.weights.sha256,
      worker: name,
      seconds: (performance.now() - started) / 1000,
      steps: rollout.steps.map((row) =>
        row.map((s) => ({
          tokenIds: s.responseTokenIds,
          logProbs: s.tokenLogProbs,
          text: s.text,
          value: s.value,
          promptTokenIds: s.promptTokenIds,
          promptHash: promptHash(s.prompt.text),
          reward: s.reward,
          terminated: s.terminated,
          truncated: s.truncated,
        })),
      ),
    };
  };

  const worker = new Worker(o.queue ?? DEFAULT_QUEUE, play, {
    connection: opts,
    prefix: QUEUE_PREFIX,
    concurrency: 1, // generation is CPU/accelerator-bound: run more processes, not more jobs per process
    lockDuration: o.lockDurationMs ?? 30_000,
    stalledInterval: o.stalledIntervalMs ?? 30_000,
    maxStalledCount: o.maxStalledCount ?? 3,
  });
  worker.on('active', (job) => log(`rollout-worker ${name}: job ${job.id} started`));
  worker.on('completed', (job) => {
    completed += 1;
    log(`rollout-worker ${name}: job ${job.id} done`);
  });
  worker.on('failed', (job, err) => log(`rollout-worker ${name}: job ${job?.id} failed: ${err.message}`));
  worker.on('error', (err) => log(`rollout-worker ${name}: ${err.message}`));
  await worker.waitUntilReady();
  return {
    worker,
    completed: () => completed,
    async close() {
      await worker.close();
      redis.disconnect();
    },
  };
}
