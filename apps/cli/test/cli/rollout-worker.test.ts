/**
 * `rl4vlm train` with `rollout.backend: redis` and `rl4vlm rollout-worker --workers 2`, as a user
 * runs them: a real redis-server on a loopback port, the built CLI in child processes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findRedisServer, RedisServer } from '@rl4vlm/test-kit/redis-server';
import { afterAll, describe, expect, it } from 'vitest';
import { readMetrics } from '../../src/report/index.js';
import { BIN, runCli } from '../helpers/run-cli.js';

const bin = findRedisServer();
if (!bin)
  console.warn(
    'SKIPPED: redis-server is not installed (apt-get install redis-server); the CLI test of rollout-worker needs it',
  );

describe.skipIf(!bin)('rl4vlm rollout-worker + train with rollout.backend=redis (real redis-server)', () => {
  let redis: RedisServer | undefined;
  let workers: ChildProcess | undefined;
  afterAll(async () => {
    workers?.kill('SIGTERM');
    await redis?.down();
  });

  it('two worker processes play the rollouts of a smoke run; the result equals the local run', async () => {
    redis = await RedisServer.start(bin!);
    let workerLog = '';
    workers = spawn(process.execPath, [BIN, 'rollout-worker', '--redis', redis.url, '--workers', '2'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    workers.stderr!.on('data', (d) => (workerLog += d));
    const runsDir = mkdtempSync(path.join(tmpdir(), 'rl4vlm-runs-'));
    const common = [
      '--preset',
      'smoke',
      '--stages',
      'ppo',
      '--runs-dir',
      runsDir,
      '--no-baselines',
      '--no-report',
    ];
    const remote = await runCli([
      'train',
      ...common,
      '--name',
      'remote',
      '--set',
      'rollout.backend=redis',
      `rollout.url=${redis.url}`,
      'rollout.jobsPerUpdate=2',
    ]);
    expect(remote.code, remote.stderr).toBe(0);
    const local = await runCli(['train', ...common, '--name', 'local']);
    expect(local.code, local.stderr).toBe(0);
    const ppo = (run: string) =>
      readMetrics(path.join(runsDir, run, 'metrics.jsonl'))
        .filter((m) => m.phase === 'ppo')
        .map((m) => [m.meanStepReward, m.policyLoss, m.valueLoss, m.meanActionLogProb]);
    expect(ppo('remote')).toEqual(ppo('local'));
    const stats = readFileSync(path.join(runsDir, 'remote', 'rollouts.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(stats).toHaveLength(1);
    expect(stats[0].jobs).toBe(2);
    expect(workerLog).toMatch(/waiting for jobs[\s\S]*waiting for jobs/);
    expect(workerLog).toMatch(/job \S+\.u0\.s0 done/);
  }, 240_000); // two smoke runs and two worker processes loading tfjs: ~90 s on this 2-core machine under load

  it('a bad rollout config names the field', async () => {
    const r = await runCli([
      'train',
      '--preset',
      'smoke',
      '--set',
      'rollout.backend=redis',
      '--no-baselines',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rollout\.url.*required when rollout\.backend is 'redis'/);
    const stale = await runCli([
      'train',
      '--preset',
      'smoke',
      '--set',
      'rollout.backend=redis',
      'rollout.url=redis://127.0.0.1:1',
      'rollout.staleness=1',
    ]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/rollout\.staleness.*needs ppo\.oldLogProbs: 'generation'/);
  });
});
