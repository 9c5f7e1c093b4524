/**
 * `ppo.chunkSize`: a minibatch cut into chunks (each weighted by its share of the minibatch) is
 * the same update as the whole minibatch up to float rounding — the same losses, approx-KL and
 * weights to ~6 digits — and a chunk as large as the minibatch changes nothing at all.
 */
import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import type { PpoConfigInput } from '../src/config.js';
import { runPpo } from '../src/ppo.js';
import { CharPolicy } from './fixtures/char-policy.js';
import { makeNumberLine } from './fixtures/number-line.js';

const base: PpoConfigInput = {
  numUpdates: 1,
  stepsPerEnv: 4,
  epochs: 1,
  miniBatchSize: 6,
  // Per-sample means decompose over chunks; the guard (per chunk) must not fire to compare.
  ratioGuard: null,
  targetKl: null,
  generate: { temperature: 1, maxNewTokens: 10 },
  schedule: { lr: 0.05 },
};

async function run(chunkSize: number | null) {
  const policy = new CharPolicy(5);
  const result = await runPpo({
    policy,
    envs: Array.from({ length: 3 }, makeNumberLine),
    seed: 5,
    config: { ...base, chunkSize },
    log: () => {},
  });
  const weights = [policy.table, policy.shared, policy.value].map((v) => Array.from(v.dataSync()));
  const hash = createHash('sha256');
  for (const v of [policy.table, policy.shared, policy.value])
    hash.update(new Uint8Array(v.dataSync().buffer));
  policy.dispose();
  return { record: result.metrics[0]!, weights, hash: hash.digest('hex') };
}

it('chunks of 1, 2 or 4 samples give the whole minibatch’s update up to rounding; a chunk of the minibatch’s size is the same bits', async () => {
  const whole = await run(null);
  expect(whole.record.optimizerSteps).toBe(2);
  expect((await run(6)).hash).toBe(whole.hash);
  for (const chunkSize of [1, 2, 4]) {
    const chunked = await run(chunkSize);
    for (const key of ['policyLoss', 'valueLoss', 'approxKl', 'clipFraction'])
      expect(chunked.record[key] as number, `${key}, chunks of ${chunkSize}`).toBeCloseTo(
        whole.record[key] as number,
        6,
      );
    let diff = 0;
    chunked.weights.forEach((w, i) => {
      for (let k = 0; k < w.length; k++) diff = Math.max(diff, Math.abs(w[k]! - whole.weights[i]![k]!));
    });
    expect(diff, `largest weight difference, chunks of ${chunkSize}`).toBeLessThan(1e-5);
  }
});
