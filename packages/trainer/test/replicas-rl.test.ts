/**
 * RL on worker-thread replicas with the real `tfjs:tiny` (wasm) on `gym-cards/NumberLine-v0`:
 * PPO (its minibatches cut into chunks the workers share) with 1 and 2 workers gives
 * bit-identical weights and equal metrics, also when it is
 * stopped with 2 workers and resumed with 1; a third-party group algorithm (a plugin module the
 * workers import) interrupted mid-rollout with 2 workers and resumed with 3 equals its
 * uninterrupted 1-worker run; a worker killed in the middle of a rollout stops the run at once
 * with an error naming the worker and the phase, the last checkpoint intact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TfjsPolicy } from '@rl4vlm/policy-tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { findLatestCheckpoint } from '../src/checkpoint.js';
import type { PpoConfigInput } from '../src/config.js';
import { type MetricsRecord, TIMING_KEYS } from '../src/metrics.js';
import { runPpo } from '../src/ppo.js';
import { LocalReplicas, type Replicas } from '../src/replicas/replicas.js';
import { ReplicaFailedError, WorkerPool } from '../src/replicas/worker-pool.js';
import { runRl } from '../src/rl-loop.js';
import { makeTextEnvs } from '../src/train.js';
import { replyLength } from './fixtures/reply-length-algorithm.mjs';
import { tinyNumberLineDeps } from './fixtures/tiny-number-line.js';
import { policyTfjs, sha } from './fixtures/worker-modules.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// PPO: 4 envs × 2 steps = 8 samples: 2 minibatches of 3 (drop_last), one optimizer step each,
// each minibatch cut into chunks of 2 and 1 samples (weighted 2/3 and 1/3).
const config: PpoConfigInput = {
  numUpdates: 2,
  stepsPerEnv: 2,
  epochs: 1,
  miniBatchSize: 3,
  chunkSize: 2,
  gradAccumSteps: 1,
  generate: { temperature: 1, maxNewTokens: 6 },
  schedule: { lr: 1e-3 },
  // No early stop: every update takes both of its optimizer steps.
  targetKl: null,
};
// The group algorithm: minibatches of 2 in chunks of 1, two minibatches per optimizer step.
const groupConfig: PpoConfigInput = { ...config, miniBatchSize: 2, chunkSize: 1, gradAccumSteps: 2 };
const envConfig = { id: 'gym-cards/NumberLine-v0', kwargs: {}, text: { cot: false } };
const withoutTiming = (r: MetricsRecord) =>
  Object.fromEntries(Object.entries(r).filter(([k]) => !(TIMING_KEYS as readonly string[]).includes(k)));

async function replicasFor(workers: number, policy: TfjsPolicy): Promise<Replicas> {
  return workers === 1
    ? new LocalReplicas(policy)
    : WorkerPool.start({ workers, policy, policyModules: [policyTfjs], policyId: 'tfjs:tiny' });
}

/** PPO updates with `workers` replicas into `dir`; the policy's weight hash and the metrics. */
async function ppo(
  workers: number,
  dir: string,
  options: { stopAfterUpdates?: number; resume?: boolean } = {},
) {
  const policy = await TfjsPolicy.create('tiny');
  const replicas = await replicasFor(workers, policy);
  try {
    const result = await runPpo({
      policy,
      envs: makeTextEnvs(tinyNumberLineDeps().envs, envConfig, 4),
      config,
      seed: 3,
      checkpoint: { dir },
      replicas,
      log: () => {},
      ...options,
    });
    return { hash: sha(policy.exportWeights()), metrics: result.metrics.map(withoutTiming) };
  } finally {
    await replicas.close();
    policy.dispose();
  }
}

/** The fixture algorithm plugin, as the CLI hands an algorithm plugin's module to the workers. */
const replyLengthModule = new URL('./fixtures/reply-length-algorithm.mjs', import.meta.url).href;

/** The fixture group algorithm with `workers` replicas into `dir`, optionally aborted at a rollout. */
async function groups(
  workers: number,
  dir: string,
  options: { resume?: boolean; abortAtRolloutOf?: number } = {},
) {
  const policy = await TfjsPolicy.create('tiny');
  const before = sha(policy.exportWeights());
  const replicas = await replicasFor(workers, policy);
  const abort = new AbortController();
  try {
    const result = await runRl({
      algorithm: replyLength,
      algorithmModules: [replyLengthModule],
      algorithmSettings: { groups: 2, groupSize: 2, maxEpisodeSteps: 2 },
      policy,
      envs: makeTextEnvs(tinyNumberLineDeps().envs, envConfig, 3),
      config: groupConfig,
      seed: 4,
      checkpoint: { dir },
      replicas,
      resume: options.resume,
      signal: abort.signal,
      onProgress: (e) => {
        if (e.phase === 'rollout' && e.update === options.abortAtRolloutOf) abort.abort();
      },
      log: () => {},
    });
    return {
      before,
      hash: sha(policy.exportWeights()),
      metrics: result.metrics.map(withoutTiming),
      updatesDone: result.updatesDone,
    };
  } finally {
    await replicas.close();
    policy.dispose();
  }
}

describe('RL on worker-thread replicas', () => {
  it('1 worker and 2 workers: the same metrics and bit-identical weights; stopped with 2 and resumed with 1, too', async () => {
    const [a, b] = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'replicas-ppo-')));
    dirs.push(a!, b!);
    const one = await ppo(1, a!);
    const firstHalf = await ppo(2, b!, { stopAfterUpdates: 1 });
    const secondHalf = await ppo(1, b!, { resume: true });
    expect(one.metrics).toHaveLength(2);
    expect(one.metrics[0]!.optimizerSteps).toBe(2);
    expect([...firstHalf.metrics, ...secondHalf.metrics]).toEqual(one.metrics);
    expect(secondHalf.hash).toBe(one.hash);
  }, 300_000);

  it('a plugin group algorithm: interrupted mid-rollout with 2 workers and resumed with 3 equals 1 worker straight', async () => {
    const [a, b] = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'replicas-groups-')));
    dirs.push(a!, b!);
    const one = await groups(1, a!);
    expect(one.metrics.map((m) => [m.phase, m.algorithm])).toEqual(
      Array(2).fill(['rl', 'test-reply-length']),
    );
    expect(one.hash).not.toBe(one.before); // it trained
    const first = await groups(2, b!, { abortAtRolloutOf: 1 });
    expect(first.updatesDone).toBe(1);
    const rest = await groups(3, b!, { resume: true });
    expect(rest.updatesDone).toBe(2);
    expect([...first.metrics, ...rest.metrics]).toEqual(one.metrics);
    expect(rest.hash).toBe(one.hash);
  }, 300_000);

  it('a worker killed during a rollout stops the run within seconds, naming worker and phase; the last checkpoint is intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replicas-ppo-fault-'));
    dirs.push(dir);
    const policy = await TfjsPolicy.create('tiny');
    const pool = await WorkerPool.start({
      workers: 2,
      policy,
      policyModules: [policyTfjs],
      policyId: 'tfjs:tiny',
    });
    let killedAt = 0;
    const error = await runPpo({
      policy,
      envs: makeTextEnvs(tinyNumberLineDeps().envs, envConfig, 4),
      config: { ...config, numUpdates: 3 },
      seed: 3,
      checkpoint: { dir },
      replicas: pool,
      log: () => {},
      onProgress: (e) => {
        if (e.phase === 'rollout' && e.update === 1 && e.done === 1 && !killedAt) {
          killedAt = Date.now();
          void pool.threads[0]!.terminate(); // worker 1 (worker 0 is the main thread)
        }
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplicaFailedError);
    expect((error as Error).message).toMatch(/^Worker 1 of 2 failed during ppo update 2\/3 rollout/);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    const latest = findLatestCheckpoint(dir);
    expect(latest).toMatch(/update-0*1$/);
    const restored = await TfjsPolicy.create('tiny');
    await restored.load(join(latest!, 'policy')); // complete and loadable
    restored.dispose();
    const deadline = Date.now() + 10_000;
    while (pool.alive > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(pool.alive).toBe(0);
    policy.dispose();
  }, 300_000);
});
