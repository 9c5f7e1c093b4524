/**
 * Pins PPO's behaviour across refactors: two seeded short runs (one plain, one with a KL penalty,
 * a KL early stop, gradient accumulation and un-normalised advantages) must give exactly the
 * metrics and weights recorded in `fixtures/ppo-pin.json`, which were written by the trainer
 * before algorithms became plugins. Rewrite the fixture only for an intended change of PPO:
 * `PIN_WRITE=1 npx vitest run test/ppo-pin.test.ts`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { PpoConfigInput } from '../src/config.js';
import { type MetricsRecord, TIMING_KEYS } from '../src/metrics.js';
import { runPpo } from '../src/ppo.js';
import { CharPolicy } from './fixtures/char-policy.js';
import { makeNumberLine } from './fixtures/number-line.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'ppo-pin.json');

const CASES: Record<string, { config: PpoConfigInput; reference: boolean }> = {
  plain: {
    config: {
      numUpdates: 3,
      stepsPerEnv: 6,
      epochs: 2,
      miniBatchSize: 4,
      generate: { temperature: 1, maxNewTokens: 12 },
      schedule: { lr: 0.05, cosineSteps: 3 },
    },
    reference: false,
  },
  klAndAccumulation: {
    config: {
      numUpdates: 3,
      stepsPerEnv: 5,
      epochs: 3,
      miniBatchSize: 3,
      gradAccumSteps: 2,
      klCoef: 0.1,
      targetKl: 0.05,
      normalizeAdvantages: false,
      valueClip: null,
      entropyCoef: 0.01,
      generate: { temperature: 1, maxNewTokens: 12 },
      schedule: { lr: 0.08, cosineSteps: 3 },
    },
    reference: true,
  },
};

const withoutTiming = (r: MetricsRecord) =>
  Object.fromEntries(Object.entries(r).filter(([k]) => !(TIMING_KEYS as readonly string[]).includes(k)));

async function run(name: string) {
  const { config, reference } = CASES[name]!;
  const policy = new CharPolicy(5);
  const referencePolicy = reference ? new CharPolicy(5) : undefined;
  const result = await runPpo({
    policy,
    referencePolicy,
    envs: Array.from({ length: 3 }, makeNumberLine),
    seed: 9,
    config,
    log: () => {},
  });
  const hash = createHash('sha256');
  for (const v of [policy.table, policy.shared, policy.value])
    hash.update(new Uint8Array(v.dataSync().buffer));
  const weights = hash.digest('hex');
  policy.dispose();
  referencePolicy?.dispose();
  return { metrics: result.metrics.map(withoutTiming), weights };
}

it('seeded PPO runs give exactly the metrics and weights recorded before the algorithm refactor', async () => {
  const got: Record<string, Awaited<ReturnType<typeof run>>> = {};
  for (const name of Object.keys(CASES)) got[name] = await run(name);
  if (process.env.PIN_WRITE === '1') writeFileSync(FIXTURE, `${JSON.stringify(got, null, 1)}\n`);
  const pinned = JSON.parse(readFileSync(FIXTURE, 'utf8'));
  // The runs really train (losses move, the KL stop and the penalty take part).
  expect(new Set(got.plain!.metrics.map((m) => m.policyLoss)).size).toBeGreaterThan(1);
  expect(got.klAndAccumulation!.metrics.some((m) => (m.klToStart as number) > 0)).toBe(true);
  for (const name of Object.keys(CASES)) {
    // The one intended change: records say `phase: 'rl'` and name the algorithm (they said 'ppo').
    const renamed = (pinned[name].metrics as MetricsRecord[]).map((m) =>
      m.phase === 'ppo' ? { ...m, phase: 'rl', algorithm: 'ppo' } : m,
    );
    expect(got[name]!.metrics, name).toEqual(renamed);
    expect(got[name]!.weights, name).toBe(pinned[name].weights);
  }
});
