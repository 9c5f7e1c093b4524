import { OraclePolicy, RandomPolicy, type ScoreItem, type ScoreOptions } from '@rl4vlm/policy';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/evaluate.js';
import { runPpo } from '../src/ppo.js';
import { collectRollout } from '../src/rollout.js';
import { CharPolicy } from './fixtures/char-policy.js';
import { makeNumberLine, oracleReply } from './fixtures/number-line.js';

const oracle = new OraclePolicy((_p, info) => oracleReply(info));

describe('collectRollout', () => {
  it('is shardable: envs [2, 4) played alone with envOffset 2 give exactly columns 2-3 of the whole rollout', async () => {
    const policy = new CharPolicy(1);
    const opts = { policy, numSteps: 6, seed: 4, update: 2, generate: { maxNewTokens: 6 }, thoughtCoef: 1 };
    const whole = await collectRollout({ ...opts, envs: Array.from({ length: 4 }, makeNumberLine) });
    const part = await collectRollout({ ...opts, envs: [makeNumberLine(), makeNumberLine()], envOffset: 2 });
    const pick = (r: typeof whole, from: number) =>
      r.steps.map((row) =>
        row.slice(from).map((s) => [s.envIndex, s.prompt.text, s.responseTokenIds, s.reward]),
      );
    expect(pick(part, 0)).toEqual(pick(whole, 2));
    expect(new Set(whole.steps[0]!.map((s) => s.text)).size).toBeGreaterThan(1);
  });

  it('stores prompt, tokens, split, log-probs, value, reward, done and parse flags; replays from (seed, update)', async () => {
    const policy = new CharPolicy(1);
    const opts = {
      envs: [makeNumberLine(), makeNumberLine()],
      policy,
      tokenizer: policy.tokenizer,
      numSteps: 12,
      seed: 9,
      update: 3,
      generate: { temperature: 1, maxNewTokens: 10 },
      thoughtCoef: 0.5,
    };
    const a = await collectRollout(opts);
    expect(a.steps).toHaveLength(12);
    const s = a.steps[0]![1]!;
    expect(s.envIndex).toBe(1);
    expect(s.prompt.text).toMatch(/^target \d current \d$/);
    expect(s.tokenLogProbs).toHaveLength(s.responseTokenIds.length);
    expect(s.split.length).toBe(s.responseTokenIds.length);
    expect(s.parseOk).toBe(false); // an untrained policy writes no "action": key
    // Untrained replies play random actions; 12 steps of NumberLine end at least one episode.
    expect(a.steps.flat().some((x) => x.done)).toBe(true);
    expect(a.episodes.length).toBeGreaterThan(0);
    expect(a.episodes.every((e) => e.formatErrors === e.length)).toBe(true);
    const b = await collectRollout({ ...opts, envs: [makeNumberLine(), makeNumberLine()] });
    expect(b.steps.flat().map((x) => [x.text, x.reward, x.done])).toEqual(
      a.steps.flat().map((x) => [x.text, x.reward, x.done]),
    );
    const c = await collectRollout({ ...opts, update: 4, envs: [makeNumberLine(), makeNumberLine()] });
    expect(c.steps.flat().map((x) => x.text)).not.toEqual(a.steps.flat().map((x) => x.text));
  });

  it('records parse success and episode success with a scripted policy', async () => {
    const r = await collectRollout({
      envs: [makeNumberLine()],
      policy: oracle,
      numSteps: 20,
      seed: 1,
      update: 0,
      generate: {},
      thoughtCoef: 0.5,
    });
    expect(r.steps.flat().every((s) => s.parseOk)).toBe(true);
    expect(r.episodes.every((e) => e.success && e.return === 1)).toBe(true);
  });
});

describe('evaluate', () => {
  const envs = () => Array.from({ length: 4 }, makeNumberLine);

  it('the oracle succeeds every time, with a Wilson interval and per-episode text', async () => {
    const r = await evaluate({ envs: envs(), policy: oracle, config: { episodes: 30, seed: 5 } });
    expect(r.successRate).toBe(1);
    expect(r.formatErrorRate).toBe(0);
    expect(r.successInterval.low).toBeGreaterThan(0.88);
    expect(r.successInterval.high).toBe(1);
    expect(r.records.map((x) => x.seed)).toEqual(Array.from({ length: 30 }, (_, i) => 5 + i));
    expect(r.records[0]!.steps[0]!.text).toMatch(/"action":"[+-]"/);
  });

  it('the same seeds replay the same episodes; a random policy succeeds about 28% of the time', async () => {
    const random = () => new RandomPolicy({ labels: ['-', '+'] });
    const a = await evaluate({
      envs: envs(),
      policy: random(),
      config: { episodes: 200, seed: 100, temperature: 1 },
    });
    const b = await evaluate({
      envs: envs(),
      policy: random(),
      config: { episodes: 200, seed: 100, temperature: 1 },
    });
    expect(b.records.map((x) => x.return)).toEqual(a.records.map((x) => x.return));
    expect(a.successRate).toBeGreaterThan(0.15);
    expect(a.successRate).toBeLessThan(0.42);
  });

  it('counts format errors and caps runaway episodes', async () => {
    const garbage = new OraclePolicy(() => 'no idea');
    const r = await evaluate({ envs: envs(), policy: garbage, config: { episodes: 8, maxEpisodeSteps: 3 } });
    expect(r.formatErrorRate).toBe(1);
    expect(r.records.every((x) => x.length <= 3)).toBe(true);
  });
});

/** A policy whose scores turn NaN: the guard must skip every step and leave the weights as they were. */
class PoisonedPolicy extends CharPolicy {
  override score(batch: readonly ScoreItem[], options?: ScoreOptions) {
    const out = super.score(batch, options);
    return { ...out, logProbs: tf.mul(out.logProbs, Number.NaN) };
  }
}

describe('guards', () => {
  it('a non-finite loss skips the update and is logged; no NaN reaches the weights', async () => {
    const policy = new PoisonedPolicy(2);
    const before = Array.from(policy.table.dataSync());
    const logs: string[] = [];
    const r = await runPpo({
      policy,
      envs: [makeNumberLine(), makeNumberLine()],
      config: {
        numUpdates: 1,
        stepsPerEnv: 4,
        epochs: 1,
        miniBatchSize: 4,
        oldLogProbs: 'generation',
        generate: { maxNewTokens: 6 },
      },
      log: (m) => logs.push(m),
    });
    const m = r.metrics[0]!;
    expect(m.skippedMinibatches).toBe(2);
    expect(m.optimizerSteps).toBe(0);
    expect(logs.some((l) => /non-finite loss/.test(l))).toBe(true);
    expect(Array.from(policy.table.dataSync())).toEqual(before);
  });

  it('reports the whole run as rl progress in updates, and numbers warnings from 1 like the bar', async () => {
    const events: { done: number; total: number }[] = [];
    const logs: string[] = [];
    await runPpo({
      policy: new CharPolicy(4),
      envs: [makeNumberLine()],
      config: { numUpdates: 2, stepsPerEnv: 4, epochs: 1, miniBatchSize: 2, generate: { maxNewTokens: 6 } },
      onProgress: (e) => {
        if (e.phase === 'rl') events.push({ done: e.done, total: e.total });
      },
      log: (m) => logs.push(m),
    });
    expect(events).toEqual([
      { done: 0, total: 2 },
      { done: 1, total: 2 },
      { done: 2, total: 2 },
    ]);
    // CharPolicy(4) writes no action: every update warns, as "update 1/2" and "update 2/2".
    expect(logs.filter((l) => /collapse/.test(l)).map((l) => /update (\d+\/\d+)/.exec(l)?.[1])).toEqual([
      '1/2',
      '2/2',
    ]);
  });

  it('reports chain-of-thought collapse signals (format errors, reply diversity)', async () => {
    const policy = new CharPolicy(4);
    const logs: string[] = [];
    const r = await runPpo({
      policy,
      envs: [makeNumberLine()],
      config: { numUpdates: 1, stepsPerEnv: 4, epochs: 1, miniBatchSize: 2, generate: { maxNewTokens: 6 } },
      log: (m) => logs.push(m),
    });
    const m = r.metrics[0]!;
    expect(m.formatErrorRate).toBe(1);
    expect(m.collapseWarning).toBe(true);
    expect(m.replyDiversity).toBeGreaterThan(0);
    expect(m.replyDiversity).toBeLessThanOrEqual(1);
    expect(logs.some((l) => /collapse/.test(l))).toBe(true);
  });
});

describe('KL penalty to the starting policy', () => {
  it('needs a reference policy and reports a KL that grows from 0 as the policy moves', async () => {
    const config = {
      numUpdates: 2,
      stepsPerEnv: 4,
      epochs: 2,
      miniBatchSize: 4,
      klCoef: 0.1,
      targetKl: null, // the KL penalty alone is under test
      schedule: { lr: 0.1 },
      generate: { maxNewTokens: 6 },
    };
    await expect(runPpo({ policy: new CharPolicy(6), envs: [makeNumberLine()], config })).rejects.toThrow(
      /klCoef > 0 needs options.referencePolicy/,
    );
    const r = await runPpo({
      policy: new CharPolicy(6),
      referencePolicy: new CharPolicy(6),
      envs: [makeNumberLine(), makeNumberLine()],
      config,
      log: () => {},
    });
    const kls = r.metrics.map((m) => m.klToStart as number);
    expect(kls.every((k) => Number.isFinite(k) && k >= 0)).toBe(true);
    expect(kls[1]).toBeGreaterThan(0);
  });

  it('targetKl ends an update at the first minibatch that strays too far, dropping its gradient', async () => {
    const config = { numUpdates: 2, stepsPerEnv: 4, epochs: 3, miniBatchSize: 2, schedule: { lr: 0.1 } };
    const logs: string[] = [];
    const run = (targetKl: number | null) =>
      runPpo({
        policy: new CharPolicy(6),
        envs: [makeNumberLine(), makeNumberLine()],
        config: { ...config, targetKl, generate: { maxNewTokens: 6 } },
        log: (m) => logs.push(m),
      });
    const free = await run(null);
    // 8 samples / minibatch 2 = 4 minibatches per epoch, 3 epochs: 12 optimizer steps per update.
    expect(free.metrics.map((m) => m.optimizerSteps)).toEqual([12, 24]);
    expect(free.metrics.every((m) => m.klStopMinibatch === null)).toBe(true);
    const capped = await run(1e-9);
    // The first minibatch is scored under the rollout weights (KL exactly 0) and is taken; the
    // second already differs, so each update stops there with one optimizer step.
    expect(capped.metrics.map((m) => m.optimizerSteps)).toEqual([1, 2]);
    expect(capped.metrics.map((m) => m.klStopMinibatch)).toEqual([1, 1]);
    expect(logs.some((l) => /approx-KL .* > 1.5 × targetKl at minibatch 1; update stopped/.test(l))).toBe(
      true,
    );
  });
});
