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
  /** Policy versions between the weights that played and the weights updated (0: synchronous). */
  staleness: number;
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

  /** A {@link RolloutCollector}: one update's rollout, played by the workers. */
  readonly collect: RolloutCollector = async (options: RolloutOptions): Promise<Rollout> => {
    const started = performance.now();
    const n = options.envs.length;
    const u = options.update;
    const policy = options.policy as unknown as Partial<HasTrainableVariables>;
    if (typeof policy.trainableVariables !== 'function')
      throw new Error(
        `Policy '${options.policy.id}' has no trainableVariables(): its weights cannot be sent to workers`,
      );
    const blob = encodeWeights(policy as HasTrainableVariables);
    const store = this.o.weights ?? { kind: 'redis' };
    const publish = () => this.guard(() => publishWeights(this.redis, store, this.runId, u, blob));
    let ref: WeightsRef = await publish();

    const jobs = Math.min(n, Math.max(1, this.o.jobsPerUpdate ?? 4));
    const ranges = Array.from({ length: jobs }, (_, k) => {
      const from = Math.floor((k * n) / jobs);
      return { shard: k, from, count: Math.floor(((k + 1) * n) / jobs) - from };
    });
    const dataOf = (r: (typeof ranges)[number]): RolloutJob => ({
      format: 'rl4vlm.rollout-job/v1',
      runId: this.runId,
      update: u,
      shard: r.shard,
      seed: options.seed,
      envOffset: r.from,
      numEnvs: r.count,
      numSteps: options.numSteps,
      generate: { ...options.generate },
      env: this.o.env,
      policy: this.o.policy,
      weights: ref,
    });
    const attempts = this.o.attempts ?? 3;
    const enqueue = (r: (typeof ranges)[number]) =>
      this.guard(() =>
        this.queue.add('rollout', dataOf(r), {
          jobId: rolloutJobId(this.runId, u, r.shard),
          attempts,
          backoff: { type: 'fixed', delay: 200 },
          removeOnComplete: false,
          removeOnFail: false,
        }),
      );
    for (const r of ranges) await enqueue(r);

    const results = new Map<number, RolloutResult>();
    let retries = 0;
    let requeued = 0;
    while (results.size < jobs) {
      if (options.shouldStop?.()) {
        await this.removeJobs(u, ranges.length).catch(() => {});
        throw new RolloutStopped();
      }
      await sleep(this.o.pollMs ?? 200);
      for (const r of ranges) {
        if (results.has(r.shard)) continue;
        const id = rolloutJobId(this.runId, u, r.shard);
        const job = (await this.guard(() => this.queue.getJob(id))) as Job | undefined;
        if (!job) {
          // Redis lost the job (restarted without persistence): publish the weights again if they
          // went too, and enqueue the same job id; a worker still playing the old copy cannot finish it.
          if (!(await this.guard(() => weightsPresent(this.redis, ref)))) ref = await publish();
          this.log(`rollout: job ${id} is gone from Redis (restart?); enqueued again`);
          requeued += 1;
          await enqueue(r);
          continue;
        }
        const state = await this.guard(() => job.getState());
        if (state === 'completed') {
          const parsed = rolloutResultSchema.safeParse(job.returnvalue);
          if (
            !parsed.success ||
            parsed.data.weightsSha256 !== ref.sha256 ||
            parsed.data.steps.length !== options.numSteps
          )
            throw new Error(
              `rollout job ${id} returned an invalid result (worker version differs from the learner's?)`,
            );
          results.set(r.shard, parsed.data);
          retries += Math.max(0, job.attemptsMade - 1);
          options.onStep?.(Math.floor((options.numSteps * results.size) / jobs), options.numSteps);
        } else if (state === 'failed') {
          throw new RolloutJobFailedError(id, job.attemptsMade, job.failedReason ?? 'unknown error');
        }
      }
    }
    const waitSeconds = (performance.now() - started) / 1000;

    // steps[t][global env] from the job results, then the learner's own envs replay them.
    const records: StepRecord[][] = Array.from({ length: options.numSteps }, () => new Array<StepRecord>(n));
    const ownerOf = new Array<string>(n);
    for (const r of ranges) {
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
    await this.removeJobs(u, ranges.length).catch(() => {});
    if (ref.location.kind === 'redis') await this.redis.del(ref.location.key).catch(() => {});
    rollout.seconds = (performance.now() - started) / 1000;
    const stats: CollectStats = {
      update: u,
      jobs,
      waitSeconds,
      replaySeconds,
      seconds: rollout.seconds,
      retries,
      requeued,
      workers: [...new Set([...results.values()].map((r) => r.worker))].sort(),
      staleness: 0,
    };
    this.stats.push(stats);
    this.o.onStats?.(stats);
    return rollout;
  };

  private async removeJobs(update: number, jobs: number): Promise<void> {
    for (let k = 0; k < jobs; k++) {
      const job = await this.queue.getJob(rolloutJobId(this.runId, update, k));
      await job?.remove().catch(() => {}); // an active job cannot be removed; it finishes and stays
    }
  }

  /** Disconnects from Redis (jobs and workers are left as they are). */
  async close(): Promise<void> {
    await this.queue.close().catch(() => {});
    this.redis.disconnect();
  }
}
