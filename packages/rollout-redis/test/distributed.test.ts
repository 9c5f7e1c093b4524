/**
 * Distributed rollouts against a real redis-server on a loopback port and three real worker
 * processes: equality with the in-process run, a worker SIGKILLed mid-job, Redis restarted
 * mid-run, a poisoned job, Redis gone for good, and a password.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleForChild } from '@rl4vlm/test-kit/bundle';
import { findRedisServer, RedisServer } from '@rl4vlm/test-kit/redis-server';
import { findLatestCheckpoint, type MetricsRecord, type PpoConfigInput, runPpo } from '@rl4vlm/trainer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRollouts, type RedisRolloutsOptions } from '../src/collector.js';
import { RedisUnreachableError, RolloutJobFailedError } from '../src/errors.js';
import { startRolloutWorker } from '../src/worker.js';
import { makeTestEnvs, makeTestPolicy, type TestEnvSpec } from './fixtures/test-env.js';

const bin = findRedisServer();
if (!bin)
  console.warn(
    'SKIPPED: redis-server is not installed (Debian: apt-get install redis-server, or bash scripts/test-tools.sh); the distributed rollout tests need a real one',
  );

const NUM_ENVS = 6;
const config: PpoConfigInput = {
  numUpdates: 2,
  stepsPerEnv: 4,
  epochs: 2,
  miniBatchSize: 6,
  oldLogProbs: 'rescore',
  generate: { temperature: 1, maxNewTokens: 8 },
};
const timing = new Set(['rolloutSeconds', 'updateSeconds', 'tokensPerSecond', 'envStepsPerSecond']);
const comparable = (ms: MetricsRecord[]) =>
  ms.map((m) => Object.fromEntries(Object.entries(m).filter(([k]) => !timing.has(k))));

async function inProcess(numUpdates: number, extra: PpoConfigInput = {}) {
  const policy = makeTestPolicy({ seed: 3 });
  const r = await runPpo({
    policy,
    envs: makeTestEnvs({}, NUM_ENVS),
    config: { ...config, ...extra, numUpdates },
    seed: 7,
    log: () => {},
  });
  return { metrics: comparable(r.metrics), weights: Array.from(policy.table.dataSync()) };
}

class WorkerProcess {
  readonly lines: string[] = [];
  readonly proc: ChildProcess;
  readonly ready: Promise<void>;
  constructor(file: string, url: string, queue: string) {
    this.proc = spawn(process.execPath, [file, url, queue], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.ready = new Promise((resolve, reject) => {
      this.proc.stdout!.on('data', (d: Buffer) => {
        for (const l of d.toString().split('\n').filter(Boolean)) {
          this.lines.push(l);
          if (l.startsWith('ready')) resolve();
        }
      });
      let err = '';
      this.proc.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
      });
      this.proc.on('exit', (code) => reject(new Error(`worker exited ${code} before ready: ${err}`)));
    });
  }
  /** The first line from `from` on that matches `re`. */
  waitFor(re: RegExp, from: number, timeoutMs = 20_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const t0 = Date.now();
      const tick = () => {
        const hit = this.lines.slice(from).find((l) => re.test(l));
        if (hit) resolve(hit);
        else if (Date.now() - t0 > timeoutMs) reject(new Error(`no line matching ${re}`));
        else setTimeout(tick, 20);
      };
      tick();
    });
  }
  kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.proc.on('exit', () => resolve());
      this.proc.kill(signal);
    });
  }
}

describe.skipIf(!bin)('rollouts on Redis with 3 worker processes (real redis-server on loopback)', () => {
  let redis: RedisServer;
  let workerFile: string;
  let workers: WorkerProcess[] = [];
  const queue = 'test';
  const reference = new Map<number, Promise<Awaited<ReturnType<typeof inProcess>>>>();
  const expected = (n: number) => {
    if (!reference.has(n)) reference.set(n, inProcess(n));
    return reference.get(n)!;
  };

  // Three worker processes for the whole file; one killed is replaced. Each learner has its own
  // run id, so one test's leftover jobs never reach another test's learner.
  const startWorkers = async () => {
    workers = workers.filter((w) => w.proc.exitCode === null && w.proc.signalCode === null);
    while (workers.length < 3) workers.push(new WorkerProcess(workerFile, redis.url, queue));
    await Promise.all(workers.map((w) => w.ready));
  };
  const learner = (env: TestEnvSpec, extra: Partial<RedisRolloutsOptions> = {}) =>
    new RedisRollouts({
      connection: { url: redis.url },
      queue,
      env,
      policy: { seed: 3 },
      jobsPerUpdate: 3,
      pollMs: 50,
      log: () => {},
      ...extra,
    });
  const distributed = async (
    rollouts: RedisRollouts,
    numUpdates: number,
    extra = {},
    configExtra: PpoConfigInput = {},
  ) => {
    const policy = makeTestPolicy({ seed: 3 });
    const r = await runPpo({
      policy,
      envs: makeTestEnvs({}, NUM_ENVS),
      config: { ...config, ...configExtra, numUpdates },
      seed: 7,
      collect: rollouts.collect,
      log: () => {},
      ...extra,
    });
    return { metrics: comparable(r.metrics), weights: Array.from(policy.table.dataSync()) };
  };

  beforeAll(async () => {
    redis = await RedisServer.start(bin!);
    workerFile = await bundleForChild(join(__dirname, 'fixtures', 'worker-main.ts'), 'worker-main');
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await redis?.down();
  });

  it('synchronous mode: a run with 3 workers matches the in-process run with the same seed, metric for metric and weight for weight', async () => {
    await startWorkers();
    const rollouts = learner({});
    try {
      const got = await distributed(rollouts, 2);
      const want = await expected(2);
      expect(got.metrics).toEqual(want.metrics);
      expect(got.weights).toEqual(want.weights);
      expect(rollouts.stats.map((s) => [s.update, s.jobs, s.staleness, s.retries])).toEqual([
        [0, 3, 0, 0],
        [1, 3, 0, 0],
      ]);
      // The envs really were split: more than one worker process played them.
      expect(new Set(rollouts.stats.flatMap((s) => s.workers)).size).toBeGreaterThan(1);
    } finally {
      await rollouts.close();
    }
  });

  it('one version of staleness: update u > 0 is played with the weights of u - 1 while the learner updates, and says so', async () => {
    await startWorkers();
    const rollouts = learner({}, { staleness: 1 });
    const behaviour: PpoConfigInput = { oldLogProbs: 'generation' };
    try {
      const got = await distributed(rollouts, 3, {}, behaviour);
      expect(rollouts.stats.map((s) => [s.update, s.weightsVersion, s.staleness])).toEqual([
        [0, 0, 0],
        [1, 0, 1],
        [2, 1, 1],
      ]);
      const sync = await inProcess(2, behaviour);
      expect(got.metrics[0]).toEqual(sync.metrics[0]); // update 0: nothing to be stale against
      expect(got.metrics[1]!.meanActionLogProb).not.toEqual(sync.metrics[1]!.meanActionLogProb);
      // The ratio is taken against the behaviour log-probs: one version old, it starts away from 1.
      expect(got.metrics[1]!.approxKl as number).toBeGreaterThan(sync.metrics[1]!.approxKl as number);
    } finally {
      await rollouts.close();
    }
  });

  it('a worker SIGKILLed mid-job: its job is retried by another worker and the update completes unchanged', async () => {
    await startWorkers();
    const rollouts = learner({ stepDelayMs: 250 });
    try {
      const marks = workers.map((w) => w.lines.length);
      const run = distributed(rollouts, 1);
      const line = await Promise.any(workers.map((w, k) => w.waitFor(/job \S+ started/, marks[k]!)));
      const victim = workers.find((w) => w.lines.includes(line))!;
      const jobId = /job (\S+) started/.exec(line)![1]!;
      await victim.kill('SIGKILL');
      const got = await run;
      expect(got.metrics).toEqual((await expected(1)).metrics);
      expect(got.weights).toEqual((await expected(1)).weights);
      const takenOver = workers.filter(
        (w) => w !== victim && w.lines.some((l) => l.includes(`job ${jobId} done`)),
      );
      expect(takenOver).toHaveLength(1);
      expect(victim.lines.some((l) => l.includes(`job ${jobId} done`))).toBe(false);
    } finally {
      await rollouts.close();
    }
  });

  it('Redis restarted mid-run (all keys lost): jobs are enqueued again and the run matches the in-process one', async () => {
    await startWorkers();
    const rollouts = learner({ stepDelayMs: 100 });
    try {
      const marks = workers.map((w) => w.lines.length);
      const run = distributed(rollouts, 2);
      await Promise.any(workers.map((w, k) => w.waitFor(/job \S+\.u1\.s\d started/, marks[k]!, 30_000)));
      await redis.down();
      await new Promise((r) => setTimeout(r, 500));
      await redis.up();
      const got = await run;
      const want = await expected(2);
      expect(got.metrics).toEqual(want.metrics);
      expect(got.weights).toEqual(want.weights);
      expect(rollouts.stats[1]!.requeued).toBeGreaterThan(0);
    } finally {
      await rollouts.close();
    }
  });

  it('a poisoned job fails on every attempt and the run stops with its error', async () => {
    await startWorkers();
    const rollouts = learner({ poisonIndex: 4 }, { attempts: 2 });
    try {
      const err = await distributed(rollouts, 1).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RolloutJobFailedError);
      expect((err as Error).message).toMatch(/job \S+\.u0\.s2 failed after 2 attempt\(s\): poisoned env 4/);
    } finally {
      await rollouts.close();
    }
  });

  it('Redis unreachable: a clear error after the grace period, and the last checkpoint is intact', async () => {
    await startWorkers();
    const dir = mkdtempSync(join(tmpdir(), 'rl4vlm-redis-ckpt-'));
    const rollouts = learner({}, { unreachableAfterMs: 1_000 });
    try {
      await distributed(rollouts, 2, { checkpoint: { dir }, stopAfterUpdates: 1 });
      const saved = findLatestCheckpoint(dir)!;
      expect(saved).toBeDefined();
      await redis.down();
      const err = await distributed(rollouts, 2, { checkpoint: { dir }, resume: true }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(RedisUnreachableError);
      expect((err as Error).message).toMatch(
        /Redis at redis:\/\/127\.0\.0\.1:\d+\/? unreachable for 1\.\d s .*checkpoint is intact/,
      );
      expect(findLatestCheckpoint(dir)).toBe(saved);
      expect(existsSync(join(saved, 'state.json'))).toBe(true);
    } finally {
      await rollouts.close();
      await redis.up();
    }
  });

  it('a password-protected Redis: the right password plays, a wrong one is a clear error', async () => {
    const locked = await RedisServer.start(bin!, { password: 's3cret' });
    const w = await startRolloutWorker({
      connection: { url: `redis://127.0.0.1:${locked.port}`, password: 's3cret' },
      queue: 'pw',
      createPolicy: (spec) => makeTestPolicy(spec as { seed: number }),
      createEnvs: (spec, n, off) => makeTestEnvs(spec as TestEnvSpec, n, off),
      log: () => {},
    });
    const ok = new RedisRollouts({
      connection: { url: locked.url },
      queue: 'pw',
      env: {},
      policy: { seed: 3 },
      pollMs: 50,
      log: () => {},
    });
    const wrong = new RedisRollouts({
      connection: { url: `redis://:nope@127.0.0.1:${locked.port}` },
      queue: 'pw',
      env: {},
      policy: { seed: 3 },
      unreachableAfterMs: 500,
      log: () => {},
    });
    try {
      const got = await distributed(ok, 1);
      expect(got.metrics).toEqual((await expected(1)).metrics);
      const err = await distributed(wrong, 1).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RedisUnreachableError);
      expect((err as Error).message).toMatch(/redis:\/\/:\*\*\*@127\.0\.0\.1.*(WRONGPASS|NOAUTH|invalid)/i);
    } finally {
      await ok.close();
      await wrong.close();
      await w.close();
      await locked.down();
    }
  });
});
