import { randomUUID } from 'node:crypto';
import {
  collectRollout,
  type Rollout,
  type RolloutCollector,
  type RolloutOptions,
  RolloutStopped,
} from '@rl4vlm/trainer';
import { type Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { type RedisConnectionOptions, redactRedisUrl, redisOptions } from './connection.js';
import { RedisUnreachableError, RolloutJobFailedError } from './errors.js';
import {
  DEFAULT_QUEUE,
  QUEUE_PREFIX,
  type RolloutJob,
  type RolloutResult,
  rolloutJobId,
  rolloutResultSchema,
  type StepRecord,
} from './job.js';
import { ReplayPolicy } from './replay-policy.js';
import {
  encodeWeights,
  type HasTrainableVariables,
  publishWeights,
  type WeightsRef,
  type WeightsStore,
  weightsPresent,
} from './weights.js';

/** Options of {@link RedisRollouts}. */
export interface RedisRolloutsOptions {
  connection: RedisConnectionOptions;
  /** BullMQ queue name; workers must use the same. Default `rl4vlm-rollouts`. */
  queue?: string;
  /** The env spec workers build their envs from (the CLI sends the run's `env` config). */
  env: unknown;
  /** The policy spec workers build their policy from before loading published weights. */
  policy: unknown;
  /** Jobs per update: the envs are split into this many contiguous ranges. Default 4. */
  jobsPerUpdate?: number;
  /** Tries per job (first run + retries) before the run stops with its error. Default 3. */
  attempts?: number;
  /** Where weights are published. Default in Redis. */
  weights?: WeightsStore;
  /** How long Redis may be unreachable before the rollout is abandoned with an error. Default 30 s. */
  unreachableAfterMs?: number;
  /** How often the learner checks its jobs. Default 200 ms. */
  pollMs?: number;
  /** Names this run's jobs and weights; default a random id per learner process. */
  runId?: string;
  log?: (message: string) => void;
  /**
   * 0 (default, synchronous): every sample comes from the current weights, and a run equals the
   * in-process run. 1: the next update's rollouts are enqueued with the current weights and played
   * while the learner updates; their samples are one version old, so PPO must take its ratio
   * against the behaviour log-probs the workers recorded (`oldLogProbs: 'generation'`).
   */
  staleness?: 0 | 1;
  /** Called with each update's {@link CollectStats} (the CLI appends them to `rollouts.jsonl`). */
  onStats?: (stats: CollectStats) => void;
}

/** What one update's distributed rollout cost. */
export interface CollectStats {
  update: number;
  jobs: number;
  /** Seconds from the first job enqueued to the last result. */
  waitSeconds: number;
  /** Seconds the learner spent replaying its envs to rebuild the prompts. */
  replaySeconds: number;
  seconds: number;
  /** Attempts beyond the first, summed over jobs (retries after failures or stalls). */
  retries: number;
  /** Jobs re-enqueued by the learner because Redis had lost them (a restart without persistence). */
  requeued: number;
  /** Workers that returned results. */
  workers: string[];
  /** The policy version (update index) whose weights played this update. */
  weightsVersion: number;
  /** Policy versions between the weights that played and the weights updated (0: synchronous). */
  staleness: number;
}

interface Published {
  ref: WeightsRef;
  blob: Uint8Array;
}
interface Range {
  shard: number;
  from: number;
  count: number;
}
/** One update's jobs, enqueued. */
interface Batch {
  update: number;
  seed: number;
  numSteps: number;
  generate: Record<string, unknown>;
  weights: Published;
  ranges: Range[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The learner's side of distributed rollouts: for each update, publishes the policy's weights
 * (version = update), enqueues one BullMQ job per env range, waits for every result, and rebuilds
 * the rollout by replaying the recorded replies through its own envs — exactly what
 * `collectRollout` would have returned in this process (synchronous: every sample from the current
 * version). Pass {@link RedisRollouts.collect} as `runPpo`'s / `train`'s `collect`.
 *
 * @example
 * const rollouts = new RedisRollouts({ connection: { url: 'redis://127.0.0.1:6379' }, env: config.env, policy: config.policy });
 * await runPpo({ policy, envs, config, collect: rollouts.collect });
 * await rollouts.close();
 */
export class RedisRollouts {
  readonly runId: string;
  readonly stats: CollectStats[] = [];
  private readonly queue: Queue;
  private readonly redis: Redis;
  private readonly url: string;
  private readonly log: (m: string) => void;
  /** With `staleness: 1`: the next update's jobs, already enqueued. */
  private pending: Batch | undefined;

  constructor(private readonly o: RedisRolloutsOptions) {
    this.runId = o.runId ?? randomUUID().slice(0, 8);
    this.url = redactRedisUrl(o.connection.url);
    this.log = o.log ?? ((m) => console.warn(m));
    const opts = redisOptions(o.connection, 'learner');
    this.redis = new Redis({ ...opts, lazyConnect: true });
    this.redis.on('error', () => {}); // outages are counted and reported by `guard`
    this.queue = new Queue(o.queue ?? DEFAULT_QUEUE, { connection: opts, prefix: QUEUE_PREFIX });
    this.queue.on('error', () => {});
  }

  /** Runs a Redis call, retrying through an outage shorter than `unreachableAfterMs`. */
  private async guard<T>(what: () => Promise<T>): Promise<T> {
    let downSince: number | undefined;
    for (;;) {
      try {
        return await what();
      } catch (e) {
        downSince ??= performance.now();
        const waited = performance.now() - downSince;
        if (waited >= (this.o.unreachableAfterMs ?? 30_000))
          throw new RedisUnreachableError(this.url, waited, e);
        await sleep(Math.min(250, this.o.pollMs ?? 200));
      }
    }
  }

  /**
   * A {@link RolloutCollector}: one update's rollout, played by the workers. With `staleness: 1`
   * it also enqueues the next update's jobs with the current weights before it returns, so the
   * workers play them while the learner updates.
   */
  readonly collect: RolloutCollector = async (options: RolloutOptions): Promise<Rollout> => {
    const started = performance.now();
    const u = options.update;
    const policy = options.policy as unknown as Partial<HasTrainableVariables>;
    if (typeof policy.trainableVariables !== 'function')
      throw new Error(
        `Policy '${options.policy.id}' has no trainableVariables(): its weights cannot be sent to workers`,
      );
    const current = await this.publish(u, encodeWeights(policy as HasTrainableVariables));
    let batch = this.pending;
    this.pending = undefined;
    if (batch && (batch.update !== u || batch.seed !== options.seed || batch.numSteps !== options.numSteps)) {
      await this.removeJobs(batch.update, batch.ranges.length).catch(() => {});
      batch = undefined;
    }
    batch ??= await this.enqueue(options, u, current);
    if ((this.o.staleness ?? 0) === 1) this.pending = await this.enqueue(options, u + 1, current);

    const { results, retries, requeued } = await this.gather(batch, options);
    const waitSeconds = (performance.now() - started) / 1000;

    // steps[t][global env] from the job results, then the learner's own envs replay them.
    const n = options.envs.length;
    const records: StepRecord[][] = Array.from({ length: options.numSteps }, () => new Array<StepRecord>(n));
    const ownerOf = new Array<string>(n);
    for (const r of batch.ranges) {
      const res = results.get(r.shard)!;
      res.steps.forEach((row, t) => {
        if (row.length !== r.count)
          throw new Error(`rollout job ${res.jobId}: ${row.length} envs at step ${t}, expected ${r.count}`);
        row.forEach((s, i) => {
          records[t]![r.from + i] = s;
          ownerOf[r.from + i] = `${res.jobId} (worker ${res.worker})`;
        });
      });
    }
    const replayStarted = performance.now();
    const rollout = await collectRollout({
      ...options,
      envOffset: 0,
      policy: new ReplayPolicy(records, (t, i) => `update ${u}, step ${t}, env ${i}, job ${ownerOf[i]}`),
      onStep: undefined,
    });
    for (const [t, row] of rollout.steps.entries()) {
      for (const [i, s] of row.entries()) {
        const w = records[t]![i]!;
        if (s.reward !== w.reward || s.terminated !== w.terminated || s.truncated !== w.truncated)
          throw new Error(
            `update ${u}, step ${t}, env ${i}, job ${ownerOf[i]}: the worker's env gave reward ${w.reward} (terminated ${w.terminated}), the learner's ${s.reward} (terminated ${s.terminated}): do they run the same env version and options?`,
          );
      }
    }
    const replaySeconds = (performance.now() - replayStarted) / 1000;
    await this.removeJobs(u, batch.ranges.length).catch(() => {});
    const where = (p: Published | undefined) => JSON.stringify(p?.ref.location);
    if (where(batch.weights) !== where(this.pending?.weights)) await this.unpublish(batch.weights.ref);
    rollout.seconds = (performance.now() - started) / 1000;
    const stats: CollectStats = {
      update: u,
      jobs: batch.ranges.length,
      waitSeconds,
      replaySeconds,
      seconds: rollout.seconds,
      retries,
      requeued,
      workers: [...new Set([...results.values()].map((r) => r.worker))].sort(),
      weightsVersion: batch.weights.ref.version,
      staleness: u - batch.weights.ref.version,
    };
    this.stats.push(stats);
    this.o.onStats?.(stats);
    return rollout;
  };

  private async publish(version: number, blob: Uint8Array): Promise<Published> {
    const store = this.o.weights ?? { kind: 'redis' };
    const ref = await this.guard(() => publishWeights(this.redis, store, this.runId, version, blob));
    return { ref, blob };
  }

  private async unpublish(ref: WeightsRef): Promise<void> {
    if (ref.location.kind === 'redis') await this.redis.del(ref.location.key).catch(() => {});
  }

  /** Enqueues update `update`'s jobs, to be played with `weights`. */
  private async enqueue(options: RolloutOptions, update: number, weights: Published): Promise<Batch> {
    const n = options.envs.length;
    const jobs = Math.min(n, Math.max(1, this.o.jobsPerUpdate ?? 4));
    const batch: Batch = {
      update,
      seed: options.seed,
      numSteps: options.numSteps,
      generate: { ...options.generate },
      weights,
      ranges: Array.from({ length: jobs }, (_, k) => {
        const from = Math.floor((k * n) / jobs);
        return { shard: k, from, count: Math.floor(((k + 1) * n) / jobs) - from };
      }),
    };
    for (const r of batch.ranges) await this.enqueueJob(batch, r);
    return batch;
  }

  private enqueueJob(batch: Batch, r: Range) {
    const data: RolloutJob = {
      format: 'rl4vlm.rollout-job/v1',
      runId: this.runId,
      update: batch.update,
      shard: r.shard,
      seed: batch.seed,
      envOffset: r.from,
      numEnvs: r.count,
      numSteps: batch.numSteps,
      generate: batch.generate,
      env: this.o.env,
      policy: this.o.policy,
      weights: batch.weights.ref,
    };
    return this.guard(() =>
      this.queue.add('rollout', data, {
        jobId: rolloutJobId(this.runId, batch.update, r.shard),
        attempts: this.o.attempts ?? 3,
        backoff: { type: 'fixed', delay: 200 },
        removeOnComplete: false,
        removeOnFail: false,
      }),
    );
  }

  /** Waits for every job of `batch`: a lost job is enqueued again, a failed one stops the run. */
  private async gather(batch: Batch, options: RolloutOptions) {
    const results = new Map<number, RolloutResult>();
    let retries = 0;
    let requeued = 0;
    const jobs = batch.ranges.length;
    while (results.size < jobs) {
      if (options.shouldStop?.()) {
        await this.removeJobs(batch.update, jobs).catch(() => {});
        throw new RolloutStopped();
      }
      await sleep(this.o.pollMs ?? 200);
      for (const r of batch.ranges) {
        if (results.has(r.shard)) continue;
        const id = rolloutJobId(this.runId, batch.update, r.shard);
        // The state first, then the job: a job read before it finished has no result yet.
        const state = await this.guard(() => this.queue.getJobState(id));
        const job =
          state === 'completed' || state === 'failed'
            ? ((await this.guard(() => this.queue.getJob(id))) as Job | undefined)
            : undefined;
        if (state === 'unknown' || ((state === 'completed' || state === 'failed') && !job)) {
          // Redis lost the job (restarted without persistence): publish the weights again if they
          // went too, and enqueue the same job id; a worker still playing the old copy cannot finish it.
          if (!(await this.guard(() => weightsPresent(this.redis, batch.weights.ref))))
            batch.weights = await this.publish(batch.weights.ref.version, batch.weights.blob);
          this.log(`rollout: job ${id} is gone from Redis (restart?); enqueued again`);
          requeued += 1;
          await this.enqueueJob(batch, r);
          continue;
        }
        if (!job) continue; // waiting, delayed (a retry's backoff) or active
        if (state === 'completed') {
          const parsed = rolloutResultSchema.safeParse(job.returnvalue);
          const problem = !parsed.success
            ? `${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`
            : parsed.data.weightsSha256 !== batch.weights.ref.sha256
              ? `played weights ${parsed.data.weightsSha256.slice(0, 12)}, expected ${batch.weights.ref.sha256.slice(0, 12)}`
              : parsed.data.steps.length !== batch.numSteps
                ? `${parsed.data.steps.length} steps, expected ${batch.numSteps}`
                : undefined;
          if (problem || !parsed.success)
            throw new Error(
              `rollout job ${id} returned an invalid result (${problem}): does the worker run the learner's version?`,
            );
          results.set(r.shard, parsed.data);
          retries += Math.max(0, job.attemptsMade - 1);
          options.onStep?.(Math.floor((batch.numSteps * results.size) / jobs), batch.numSteps);
        } else if (state === 'failed') {
          throw new RolloutJobFailedError(id, job.attemptsMade, job.failedReason ?? 'unknown error');
        }
      }
    }
    return { results, retries, requeued };
  }

  private async removeJobs(update: number, jobs: number): Promise<void> {
    for (let k = 0; k < jobs; k++) {
      const job = await this.queue.getJob(rolloutJobId(this.runId, update, k));
      await job?.remove().catch(() => {}); // an active job cannot be removed; it finishes and stays
    }
  }

  /** Removes jobs enqueued ahead, disconnects from Redis (workers are left as they are). */
  async close(): Promise<void> {
    if (this.pending) {
      await this.removeJobs(this.pending.update, this.pending.ranges.length).catch(() => {});
      await this.unpublish(this.pending.weights.ref);
      this.pending = undefined;
    }
    await this.queue.close().catch(() => {});
    this.redis.disconnect();
  }
}
