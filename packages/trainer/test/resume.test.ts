import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findLatestCheckpoint } from '../src/checkpoint.js';
import type { PpoConfigInput } from '../src/config.js';
import { JsonLinesSink, type MetricsRecord, readJsonLines, TIMING_KEYS } from '../src/metrics.js';
import { runPpo } from '../src/ppo.js';
import { CharPolicy } from './fixtures/char-policy.js';
import { makeNumberLine } from './fixtures/number-line.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const config: PpoConfigInput = {
  numUpdates: 4,
  stepsPerEnv: 6,
  epochs: 2,
  miniBatchSize: 4,
  gradAccumSteps: 2,
  generate: { temperature: 1, maxNewTokens: 12 },
  schedule: { lr: 0.05, cosineSteps: 4 },
  targetKl: null, // written before the 0.02 default
};

const withoutTiming = (r: MetricsRecord) =>
  Object.fromEntries(Object.entries(r).filter(([k]) => !(TIMING_KEYS as readonly string[]).includes(k)));

async function train(dir: string, options: { stopAfterUpdates?: number; resume?: boolean }) {
  const policy = new CharPolicy(11);
  const sink = new JsonLinesSink(join(dir, 'metrics.jsonl'));
  if (options.resume) {
    const latest = findLatestCheckpoint(join(dir, 'checkpoints'));
    if (latest) sink.rewindTo(JSON.parse(readFileSync(join(latest, 'state.json'), 'utf8')).state.update);
  }
  const result = await runPpo({
    policy,
    envs: Array.from({ length: 3 }, makeNumberLine),
    seed: 42,
    config,
    checkpoint: { dir: join(dir, 'checkpoints'), every: 1 },
    sinks: [sink],
    log: () => {},
    ...options,
  });
  const weights = [policy.table, policy.shared, policy.value].map((v) => Array.from(v.dataSync()));
  policy.dispose();
  return { result, weights };
}

describe('resume', () => {
  it('a run stopped after update k and resumed matches an uninterrupted run at k+1 and k+2, bit for bit', async () => {
    const a = mkdtempSync(join(tmpdir(), 'trainer-resume-a-'));
    const b = mkdtempSync(join(tmpdir(), 'trainer-resume-b-'));
    dirs.push(a, b);
    const straight = await train(a, {});
    const first = await train(b, { stopAfterUpdates: 2 });
    expect(first.result.stopped).toBe(true);
    expect(first.result.updatesDone).toBe(2);
    const resumed = await train(b, { resume: true });
    expect(resumed.result.updatesDone).toBe(4);
    expect(resumed.result.metrics.map((m) => m.update)).toEqual([2, 3]);

    const uninterrupted = straight.result.metrics.map(withoutTiming);
    expect(resumed.result.metrics.map(withoutTiming)).toEqual(uninterrupted.slice(2));
    // The losses really moved (the comparison is not between two constant runs).
    expect(new Set(uninterrupted.map((m) => m.policyLoss)).size).toBeGreaterThan(1);
    expect(resumed.weights).toEqual(straight.weights);
    // The metrics file of the resumed run reads as one uninterrupted run.
    expect(readJsonLines(join(b, 'metrics.jsonl')).map(withoutTiming)).toEqual(uninterrupted);
  });

  it('refuses to resume a checkpoint trained with another seed', async () => {
    const d = mkdtempSync(join(tmpdir(), 'trainer-resume-c-'));
    dirs.push(d);
    await train(d, { stopAfterUpdates: 1 });
    const policy = new CharPolicy(11);
    await expect(
      runPpo({
        policy,
        envs: [makeNumberLine()],
        seed: 7,
        config,
        checkpoint: { dir: join(d, 'checkpoints') },
        resume: true,
      }),
    ).rejects.toThrow(/trained with seed 42, this run has seed 7/);
  });
});
