/**
 * Group rollouts and exact resume for every built-in algorithm, with the small real trainable
 * policy of the fixtures on the text NumberLine.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OraclePolicy, RandomPolicy } from '@rl4vlm/policy';
import { afterAll, describe, expect, it } from 'vitest';
import type { Algorithm } from '../src/algorithm.js';
import { builtinAlgorithms } from '../src/algorithms/index.js';
import { findLatestCheckpoint } from '../src/checkpoint.js';
import { collectGroups } from '../src/collect-groups.js';
import type { PpoConfigInput } from '../src/config.js';
import { JsonLinesSink, type MetricsRecord, readJsonLines, TIMING_KEYS } from '../src/metrics.js';
import { buildOracleDataset } from '../src/oracle-dataset.js';
import { runRl } from '../src/rl-loop.js';
import { runSft } from '../src/sft.js';
import { CharPolicy } from './fixtures/char-policy.js';
import { makeNumberLine, numberLineText, oracleReply } from './fixtures/number-line.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tmp = (name: string) => {
  const d = mkdtempSync(join(tmpdir(), `trainer-${name}-`));
  dirs.push(d);
  return d;
};
const algorithm = (id: string) => builtinAlgorithms.algorithms.find((a) => a.id === id)!;

describe('collectGroups', () => {
  it('plays G copies of each of N seeds to their end, copies starting from the same state; replays from (seed, update)', async () => {
    const collect = async (update: number) => {
      const policy = new CharPolicy(3);
      const exp = await collectGroups({
        envs: Array.from({ length: 4 }, makeNumberLine),
        policy,
        tokenizer: policy.tokenizer,
        groups: 3,
        groupSize: 3,
        maxEpisodeSteps: 5,
        seed: 7,
        update,
        generate: { temperature: 1, topP: 1, maxNewTokens: 12 },
        thoughtCoef: 0.5,
      });
      policy.dispose();
      return exp;
    };
    const exp = await collect(0);
    expect(exp.episodes).toHaveLength(9);
    const firsts = exp.samples.filter((s) => s.stepInEpisode === 0);
    expect(firsts).toHaveLength(9);
    for (let g = 0; g < 3; g++) {
      const keys = new Set(firsts.filter((s) => s.groupId === g).map((s) => s.anchorKey));
      expect(keys.size).toBe(1); // every copy of a seed starts from the same state
    }
    // Each trajectory: consecutive steps, the last one done; none longer than the cap.
    for (let e = 0; e < 9; e++) {
      const steps = exp.samples.filter((s) => s.episodeId === e);
      expect(steps.map((s) => s.stepInEpisode)).toEqual(steps.map((_, i) => i));
      expect(steps.at(-1)!.done).toBe(true);
      expect(steps.slice(0, -1).every((s) => !s.done)).toBe(true);
      expect(steps.length).toBeLessThanOrEqual(5);
      expect(exp.episodes[e]!.length).toBe(steps.length);
      expect(exp.episodes[e]!.cut).toBe(steps.length === 5 && !steps.at(-1)!.terminated);
    }
    // The copies of a seed are sampled independently (they do not all reply the same).
    expect(new Set(exp.samples.map((s) => s.text)).size).toBeGreaterThan(3);
    const again = await collect(0);
    expect(again.samples.map((s) => [s.text, s.reward, s.anchorKey])).toEqual(
      exp.samples.map((s) => [s.text, s.reward, s.anchorKey]),
    );
    const next = await collect(1);
    expect(next.samples.map((s) => s.text)).not.toEqual(exp.samples.map((s) => s.text));
  });
});

// Sampling at temperature 2: the warm start is near-deterministic at 1, so every copy of a seed
// would play the same episode and group-relative advantages would all be 0.
const rl: PpoConfigInput = {
  numUpdates: 3,
  epochs: 1,
  miniBatchSize: 8,
  gradAccumSteps: 2,
  generate: { temperature: 2, maxNewTokens: 40 },
  schedule: { lr: 0.05, cosineSteps: 3 },
};
const settings = { groups: 3, groupSize: 3, maxEpisodeSteps: 5 };
const withoutTiming = (r: MetricsRecord) =>
  Object.fromEntries(Object.entries(r).filter(([k]) => !(TIMING_KEYS as readonly string[]).includes(k)));

/**
 * A warm start that gets some episodes right and some wrong (a random init fails every episode
 * alike, which leaves group-relative methods nothing to compare): a short SFT on a noisy oracle.
 */
let warmDir: string | undefined;
async function warmPolicy(): Promise<CharPolicy> {
  const policy = new CharPolicy(11);
  if (!warmDir) {
    warmDir = tmp('warm');
    const examples = await buildOracleDataset({
      env: makeNumberLine(),
      teacher: new OraclePolicy((_p, info) => oracleReply(info)),
      noisePolicy: new RandomPolicy({ labels: ['+'], format: (l) => `{"thoughts":"up","action":"${l}"}` }),
      noise: 0.5,
      episodes: 30,
      seed: 3,
    });
    await runSft({
      policy,
      examples,
      seed: 3,
      parse: numberLineText.parse,
      config: { epochs: 3, batchSize: 16, lr: 0.3, evalFraction: 0, evalGenerations: 0 },
      log: () => {},
    });
    await policy.save(warmDir);
  }
  await policy.load(warmDir);
  return policy;
}

async function train(
  alg: Algorithm,
  dir: string,
  o: { resume?: boolean; abortAt?: { update: number; phase: string } },
) {
  const policy = await warmPolicy();
  const sink = new JsonLinesSink(join(dir, 'metrics.jsonl'));
  if (o.resume) {
    const latest = findLatestCheckpoint(join(dir, 'checkpoints'));
    if (latest) sink.rewindTo(JSON.parse(readFileSync(join(latest, 'state.json'), 'utf8')).state.update);
  }
  const abort = new AbortController();
  const result = await runRl({
    algorithm: alg,
    algorithmSettings: alg.id === 'ppo' ? {} : settings,
    policy,
    envs: Array.from({ length: 2 }, makeNumberLine),
    seed: 5,
    config: rl,
    checkpoint: { dir: join(dir, 'checkpoints') },
    sinks: [sink],
    resume: o.resume,
    signal: abort.signal,
    onProgress: (e) => {
      if (o.abortAt && e.update === o.abortAt.update && e.phase === o.abortAt.phase) abort.abort();
    },
    log: () => {},
  });
  const weights = [policy.table, policy.shared, policy.value].map((v) => Array.from(v.dataSync()));
  policy.dispose();
  return { result, weights };
}

describe.each(['grpo', 'rloo', 'gigpo'])('%s', (id) => {
  it('trains, and a run interrupted mid-rollout and mid-update resumes bit for bit', async () => {
    const alg = algorithm(id);
    const straight = await train(alg, tmp(`${id}-a`), {});
    const uninterrupted = straight.result.metrics.map(withoutTiming);
    console.info(
      id,
      uninterrupted.map((m) => [m.successRate, m.groupReturnSpread, m.stepGroupShare, m.policyLoss]),
    );
    expect(uninterrupted.map((m) => [m.phase, m.algorithm])).toEqual(Array(3).fill(['rl', id]));
    expect(new Set(uninterrupted.map((m) => m.policyLoss)).size).toBeGreaterThan(1);
    expect(uninterrupted.every((m) => m.valueLoss === 0 && m.explainedVariance === null)).toBe(true);
    expect(uninterrupted.every((m) => (m.groupReturnSpread as number) > 0)).toBe(true);
    if (id === 'gigpo') expect(uninterrupted.every((m) => typeof m.stepGroupShare === 'number')).toBe(true);

    const dir = tmp(`${id}-b`);
    // Stopped during update 1's group rollout, then during update 2's minibatches.
    const first = await train(alg, dir, { abortAt: { update: 1, phase: 'rollout' } });
    expect(first.result.updatesDone).toBe(1);
    const second = await train(alg, dir, { resume: true, abortAt: { update: 2, phase: 'update' } });
    expect(second.result.metrics.map((m) => m.update)).toEqual([1, 2]);
    const third = await train(alg, dir, { resume: true });
    expect(third.result.updatesDone).toBe(3);
    expect(third.weights).toEqual(straight.weights);
    expect(readJsonLines(join(dir, 'metrics.jsonl')).map(withoutTiming)).toEqual(uninterrupted);
  }, 240_000);
});

it('refuses to resume a run with another algorithm, naming both', async () => {
  const dir = tmp('switch');
  await train(algorithm('grpo'), dir, { abortAt: { update: 1, phase: 'rollout' } });
  await expect(train(algorithm('rloo'), dir, { resume: true })).rejects.toThrow(
    /trained with algorithm 'grpo', this run uses 'rloo'/,
  );
});
