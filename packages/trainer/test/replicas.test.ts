/**
 * Data-parallel replicas on worker threads with the real `tfjs:tiny` (wasm) on
 * `gym-cards/NumberLine-v0`: SFT steps and replica weights are bit-identical with 1, 2 and 3
 * workers, and a run stopped with 2 and resumed with 3 equals them; sampled evaluation agrees; a worker that throws or is killed stops the work at once,
 * naming the worker and the phase, and leaves no thread behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OraclePolicy } from '@rl4vlm/policy';
import { TfjsPolicy } from '@rl4vlm/policy-tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Adam } from '../src/adam.js';
import { listCheckpoints } from '../src/checkpoint.js';
import { evaluate } from '../src/evaluate.js';
import { buildOracleDataset } from '../src/oracle-dataset.js';
import { sumInChunkOrder } from '../src/replicas/chunk-gradients.js';
import { LocalReplicas, type Replicas, ReplicatedPolicy } from '../src/replicas/replicas.js';
import { ReplicaFailedError, WorkerPool } from '../src/replicas/worker-pool.js';
import { runSft, SFT_CHECKPOINT_PATTERN, type SftExample } from '../src/sft.js';
import { makeTextEnvs } from '../src/train.js';
import { tinyNumberLineDeps } from './fixtures/tiny-number-line.js';
import { policyTfjs, sha } from './fixtures/worker-modules.js';

async function examples(): Promise<SftExample[]> {
  const deps = tinyNumberLineDeps();
  const [env] = makeTextEnvs(
    deps.envs,
    { id: 'gym-cards/NumberLine-v0', kwargs: {}, text: { cot: false } },
    1,
  );
  return buildOracleDataset({ env: env!, teacher: new OraclePolicy(deps.oracle!), episodes: 2, seed: 2 });
}

async function withReplicas<T>(
  workers: number,
  policy: TfjsPolicy,
  fn: (r: Replicas) => Promise<T>,
): Promise<T> {
  const replicas =
    workers === 1
      ? new LocalReplicas(policy)
      : await WorkerPool.start({ workers, policy, policyModules: [policyTfjs], policyId: 'tfjs:tiny' });
  try {
    return await fn(replicas);
  } finally {
    await replicas.close();
  }
}

/** Waits (at most 10 s) until every thread of a failed pool has exited. */
async function allExited(pool: WorkerPool): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (pool.alive > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(pool.alive).toBe(0);
}

describe('worker-thread replicas', () => {
  it('SFT with 1 and 2 workers, and stopped with 2 and resumed with 3: bit-identical weights and losses; every replica equals the main policy', async () => {
    const data = await examples();
    const config = { epochs: 2, batchSize: 4, chunkSize: 2, evalFraction: 0, lr: 2e-3 };
    const dir = mkdtempSync(join(tmpdir(), 'replicas-sft-'));
    /** SFT with `workers` replicas; `stopAtStep` stops it there with a checkpoint in `dir`. */
    const sft = async (workers: number, o: { stopAtStep?: number; resume?: boolean } = {}) => {
      const policy = await TfjsPolicy.create('tiny');
      const run = await withReplicas(workers, policy, async (replicas) => {
        let steps = 0;
        const stop = { stopped: false };
        const [checkpoint] = listCheckpoints(dir, SFT_CHECKPOINT_PATTERN);
        const result = await runSft({
          policy,
          examples: data,
          config,
          replicas,
          log: () => {},
          stop,
          onProgress: () => {
            steps += 1;
            if (o.stopAtStep !== undefined && steps >= o.stopAtStep) stop.stopped = true;
          },
          checkpoint: o.stopAtStep !== undefined || o.resume ? { dir } : undefined,
          resumeFrom: o.resume ? checkpoint!.dir : undefined,
        });
        const replicaHashes = replicas instanceof WorkerPool ? await replicas.weightHashes() : [];
        return {
          hash: sha(policy.exportWeights()),
          losses: result.metrics.map((m) => m.trainLoss),
          replicaHashes,
          stopped: result.stopped,
        };
      });
      policy.dispose();
      return run;
    };
    const runs = [await sft(1), await sft(2)];
    const fresh = await TfjsPolicy.create('tiny');
    expect(runs[0]!.hash).not.toBe(sha(fresh.exportWeights())); // it trained
    fresh.dispose();
    expect(runs[0]!.losses).toHaveLength(2);
    for (const run of runs.slice(1)) {
      expect(run.losses).toEqual(runs[0]!.losses);
      expect(run.hash).toBe(runs[0]!.hash);
      for (const h of run.replicaHashes) expect(h).toBe(run.hash);
    }
    expect(runs[1]!.replicaHashes).toHaveLength(2);
    // Stopped mid-run with 2 workers, resumed with 3: the same bits as 1 worker straight through.
    const first = await sft(2, { stopAtStep: 3 });
    expect(first.stopped).toBe(true);
    const rest = await sft(3, { resume: true });
    expect(rest.stopped).toBe(false);
    expect(rest.hash).toBe(runs[0]!.hash);
    expect(rest.replicaHashes).toEqual([rest.hash, rest.hash, rest.hash]);
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  it('replicas take each optimizer step themselves: after every one of k steps each replica equals the main policy, and no weights are copied', async () => {
    const policy = await TfjsPolicy.create('tiny');
    const data = await examples();
    const pool = await WorkerPool.start({
      workers: 2,
      policy,
      policyModules: [policyTfjs],
      policyId: 'tfjs:tiny',
    });
    const variables = policy.trainableVariables();
    const adam = new Adam(variables, {}, policy.learningRateScales());
    const batch = data.slice(0, 4).map(({ prompt, target }) => ({ prompt, target }));
    const chunks = [batch.slice(0, 2), batch.slice(2, 4)].map((part) => ({
      kind: 'sft' as const,
      examples: part,
      batchTokens: 60,
    }));
    const stepOn = async (replicas: Replicas) => {
      const { gradient } = sumInChunkOrder(await replicas.gradients(chunks));
      const flat = tf.tensor1d(gradient);
      await replicas.step(adam, flat, 1e-3);
      flat.dispose();
    };
    try {
      // One step on the main policy alone, then weights and optimizer state handed over: as on resume.
      await stepOn(new LocalReplicas(policy));
      await pool.syncWeights();
      await pool.startOptimizer(adam);
      pool.busyMs.clear();
      let before = sha(policy.exportWeights());
      const tensors = tf.memory().numTensors;
      for (let k = 0; k < 3; k++) {
        await stepOn(pool);
        // The main thread's share leaves nothing behind (a leaked gradient is 2.5 MB a chunk).
        expect(tf.memory().numTensors).toBe(tensors);
        const main = sha(policy.exportWeights());
        expect(main).not.toBe(before); // the step changed the weights
        expect(await pool.weightHashes()).toEqual([main, main]);
        before = main;
      }
      expect(adam.steps).toBe(4);
      const handled = [...pool.busyMs.keys()].map((k) => k.split(':')[1]).sort();
      expect(new Set(handled)).toEqual(new Set(['gradients', 'step', 'weightsHash']));
      // 2 replicas are the main thread (worker 0, which computed a share) and one thread.
      expect(pool.threads).toHaveLength(1);
      expect(pool.busyMs.get('0:gradients')).toBeGreaterThan(0);
      expect(pool.busyMs.get('1:gradients')).toBeGreaterThan(0);
      expect(pool.description).toMatch(
        /^2 replicas: the main thread and 1 worker thread \(tensor backend: \w+\)$/,
      );
    } finally {
      adam.dispose();
      await pool.close();
      policy.dispose();
    }
  }, 120_000);

  it('sampled evaluation with 1 and 3 workers: per-row seeds give the same episodes', async () => {
    const deps = tinyNumberLineDeps();
    const policy = await TfjsPolicy.create('tiny');
    const config = { episodes: 6, numEnvs: 6, temperature: 1, maxNewTokens: 8, maxEpisodeSteps: 3 };
    const env = { id: 'gym-cards/NumberLine-v0', kwargs: {}, text: { cot: false } };
    const texts: string[][] = [];
    for (const workers of [1, 3]) {
      const summary = await withReplicas(workers, policy, (r) =>
        evaluate({ envs: makeTextEnvs(deps.envs, env, 6), policy: new ReplicatedPolicy(policy, r), config }),
      );
      texts.push(summary.records.flatMap((rec) => rec.steps.map((s) => s.text)));
    }
    // NumberLine's prompts have one length, so no batch pads differently: replies match exactly.
    expect(texts[1]).toEqual(texts[0]);
    policy.dispose();
  }, 120_000);

  it('generation where prompts differ in length: 1 and 2 workers agree within the stated tolerance', async () => {
    // Each worker pads its shard to its own longest prompt, so logits may differ in the last bits
    // from the one-batch computation (trainer README, "Workers"); gym-cards prompts all have one
    // length, so this batch is made up. Stated tolerance: at least 90% of the replies identical.
    const policy = await TfjsPolicy.create('tiny');
    const prompts = Array.from({ length: 12 }, (_, i) => ({
      text: `USER: move the marker ${'far '.repeat(i)}to the target. ASSISTANT:`,
      images: [],
    }));
    const replies: string[][] = [];
    for (const workers of [1, 2]) {
      const gens = await withReplicas(workers, policy, (r) =>
        r.generate(prompts, { temperature: 1, maxNewTokens: 12, seed: 7 }),
      );
      replies.push(gens.map((g) => g.text));
    }
    const [a, b] = replies;
    const same = a!.filter((t, i) => t === b![i]).length / a!.length;
    console.info(
      `prompts of 12 lengths, 1 vs 2 workers: ${(same * 100).toFixed(0)}% of the replies identical`,
    );
    expect(new Set(a).size).toBeGreaterThan(1); // sampled, not one reply for all
    expect(same).toBeGreaterThanOrEqual(0.9);
    policy.dispose();
  }, 120_000);

  it('a killed worker fails the call within seconds, naming worker and phase; no thread is left', async () => {
    const policy = await TfjsPolicy.create('tiny');
    const data = await examples();
    const pool = await WorkerPool.start({
      workers: 2,
      policy,
      policyModules: [policyTfjs],
      policyId: 'tfjs:tiny',
    });
    pool.phase = 'sft step 3';
    // The main thread's share (chunks 0–1) is one example each; worker 1's (chunks 2–3) is 64
    // examples each, so worker 1 is still busy when the main thread's share is done and the
    // timer fires: the kill always lands mid-call, however fast the machine.
    const small = (i: number) => ({ kind: 'sft' as const, examples: [data[i]!], batchTokens: 40 });
    const big = {
      kind: 'sft' as const,
      examples: Array.from({ length: 64 }, (_, i) => data[i % data.length]!),
      batchTokens: 2560,
    };
    const chunks = [small(0), small(1), big, big];
    const started = Date.now();
    const call = pool.gradients(chunks);
    setTimeout(() => void pool.threads[0]!.terminate(), 0); // worker 1 (worker 0 is the main thread)
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplicaFailedError);
    expect((error as ReplicaFailedError).worker).toBe(1);
    expect((error as Error).message).toMatch(
      /^Worker 1 of 2 failed during sft step 3 \(gradients\): its thread exited/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(pool.generate([data[0]!.prompt])).rejects.toBe(error); // the pool stays failed
    await allExited(pool);
    policy.dispose();
  }, 60_000);

  it("an error in the main thread's share fails the pool as a thread's would: worker 0, the phase, threads ended", async () => {
    const policy = await TfjsPolicy.create('tiny');
    const pool = await WorkerPool.start({
      workers: 2,
      policy,
      policyModules: [policyTfjs],
      policyId: 'tfjs:tiny',
    });
    pool.phase = 'eval';
    const good = { text: 'USER: where? ASSISTANT:', images: [] };
    const bad = { text: 'USER: <image> where? ASSISTANT:', images: [] };
    const error = await pool.generate([bad, good], { maxNewTokens: 2, seed: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplicaFailedError);
    expect((error as Error).message).toMatch(
      /^Worker 0 of 2 failed during eval: its generate share on the main thread threw: .*'<image>' placeholder/,
    );
    await expect(pool.generate([good, good])).rejects.toBe(error); // the pool stays failed
    await allExited(pool);
    policy.dispose();
  }, 60_000);

  it('a worker whose task throws fails the pool with the error, naming worker and phase', async () => {
    const policy = await TfjsPolicy.create('tiny');
    const pool = await WorkerPool.start({
      workers: 2,
      policy,
      policyModules: [policyTfjs],
      policyId: 'tfjs:tiny',
    });
    pool.phase = 'eval';
    const good = { text: 'USER: where? ASSISTANT:', images: [] };
    const bad = { text: 'USER: <image> where? ASSISTANT:', images: [] };
    const error = await pool.generate([good, bad], { maxNewTokens: 2, seed: 1 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /^Worker 1 of 2 failed during eval \(generate\): .*'<image>' placeholder/,
    );
    await allExited(pool);
    policy.dispose();
  }, 60_000);
});
