import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam } from '../src/adam.js';
import { InvalidConfigError, PAPER_PPO, resolvePpoConfig, resolveTrainConfig } from '../src/config.js';
import { GradientAccumulator } from '../src/grads.js';
import { learningRateAt } from '../src/lr-schedule.js';
import { ConsoleSink } from '../src/metrics.js';
import { deriveSeed } from '../src/seeds.js';
import { explainedVariance, normalize, wilsonInterval } from '../src/stats.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('learning-rate schedule', () => {
  const paper = { maxLr: 1e-5, minLr: 1e-9, warmupSteps: 0, cosineSteps: 25, afterEnd: 'repeat' as const };
  it('is torch CosineAnnealingLR (1e-5 → 1e-9 over 25 updates, periodic after)', () => {
    expect(learningRateAt(paper, 0)).toBe(1e-5);
    expect(learningRateAt(paper, 25)).toBeCloseTo(1e-9, 15);
    expect(learningRateAt(paper, 12.5)).toBeCloseTo((1e-5 + 1e-9) / 2, 15);
    expect(learningRateAt(paper, 30)).toBeCloseTo(learningRateAt(paper, 20), 15);
    expect(learningRateAt({ ...paper, afterEnd: 'hold' }, 30)).toBe(1e-9);
  });
  it('warms up linearly', () => {
    const s = { maxLr: 1, minLr: 0, warmupSteps: 4, cosineSteps: 10, afterEnd: 'hold' as const };
    expect([0, 1, 2, 3, 4].map((k) => learningRateAt(s, k))).toEqual([0.25, 0.5, 0.75, 1, 1]);
  });
});

describe('Adam', () => {
  it('takes torch-Adam steps and its state round-trips bit-exactly', () => {
    const x = tf.variable(tf.tensor1d([1, -2]));
    const adam = new Adam([x], { epsilon: 1e-8 });
    adam.apply([tf.tensor1d([0.5, -3])], 0.1);
    // First Adam step moves each weight by lr·sign(g) (up to eps).
    expect(Array.from(x.dataSync())).toEqual([expect.closeTo(0.9, 6), expect.closeTo(-1.9, 6)]);
    const y = tf.variable(x.clone());
    const copy = new Adam([y], { epsilon: 1e-8 });
    copy.setState(adam.getState());
    for (let i = 0; i < 5; i++) {
      const g = tf.tensor1d([0.1 * i, -0.2]);
      adam.apply([g], 0.01);
      copy.apply([g], 0.01);
    }
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    expect(() => copy.setState({ ...adam.getState(), m: [] })).toThrow(/another model/);
  });

  it('multiplies the learning rate per variable by the policy’s scales', () => {
    const [a, b, c] = [1, 1, 1].map((v) => tf.variable(tf.tensor1d([v])));
    const adam = new Adam([a!, b!, c!], { epsilon: 1e-8 }, [1, 0.1, 0]);
    adam.apply([tf.tensor1d([2]), tf.tensor1d([2]), tf.tensor1d([2])], 0.5);
    // The first step moves each weight by lr · scale · sign(g).
    expect(a!.dataSync()[0]).toBeCloseTo(0.5, 6);
    expect(b!.dataSync()[0]).toBeCloseTo(0.95, 6);
    expect(c!.dataSync()[0]).toBe(1);
    expect(() => new Adam([a!], {}, [1, 1])).toThrow(/2 learning-rate scales for 1 variables/);
    expect(() => new Adam([a!], {}, [Number.NaN])).toThrow(/finite and ≥ 0/);
  });
  it('updates every variable as per-variable torch Adam does (flat buffers, mixed shapes and scales)', () => {
    const shapes = [[2, 3], [4], [1, 2, 2]];
    const scales = [1, 0.1, 0];
    const start = shapes.map((s, i) =>
      Float64Array.from({ length: s.reduce((a, b) => a * b, 1) }, (_, j) => Math.sin(i + j)),
    );
    const vars = shapes.map((s, i) => tf.variable(tf.tensor(Float32Array.from(start[i]!), s)));
    const adam = new Adam(vars, { epsilon: 1e-7 }, scales);
    // Reference in float64, one variable at a time.
    const ref = start.map((x) => Float64Array.from(x));
    const m = start.map((x) => new Float64Array(x.length));
    const v = start.map((x) => new Float64Array(x.length));
    for (let t = 1; t <= 4; t++) {
      const grads = ref.map((x, i) => Float64Array.from(x, (_, j) => Math.cos(t * 3 + i * 5 + j)));
      adam.apply(
        grads.map((g, i) => tf.tensor(Float32Array.from(g), shapes[i]!)),
        0.01,
      );
      ref.forEach((x, i) => {
        for (let j = 0; j < x.length; j++) {
          const g = Math.fround(grads[i]![j]!);
          m[i]![j] = 0.9 * m[i]![j]! + 0.1 * g;
          v[i]![j] = 0.999 * v[i]![j]! + 0.001 * g * g;
          const denom = Math.sqrt(v[i]![j]!) / Math.sqrt(1 - 0.999 ** t) + 1e-7;
          x[j]! -= ((0.01 * scales[i]!) / (1 - 0.9 ** t)) * (m[i]![j]! / denom);
        }
      });
    }
    vars.forEach((x, i) => {
      const got = x.dataSync();
      for (let j = 0; j < got.length; j++) expect(got[j]).toBeCloseTo(ref[i]![j]!, 5);
    });
    const state = adam.getState();
    expect(state.m.map((a) => a.length)).toEqual([6, 4, 4]);
    expect(state.m[1]![0]).toBeCloseTo(m[1]![0]!, 6);
    adam.dispose();
  });
});

describe('GradientAccumulator', () => {
  it('averages micro-batches and clips by global norm', () => {
    const acc = new GradientAccumulator();
    acc.add([tf.tensor1d([3, 0])]);
    acc.add([tf.tensor1d([3, 8])]);
    const { grads, norm } = acc.take(1)!;
    expect(norm).toBeCloseTo(5, 5); // mean = [3, 4]
    expect(Array.from(grads[0]!.dataSync())).toEqual([expect.closeTo(0.6, 5), expect.closeTo(0.8, 5)]);
    expect(acc.take(1)).toBeUndefined();
  });
  it('reports a non-finite norm so the step can be skipped', () => {
    const acc = new GradientAccumulator();
    acc.add([tf.tensor1d([Number.NaN, 1])]);
    expect(Number.isFinite(acc.take(1)!.norm)).toBe(false);
  });
});

describe('statistics', () => {
  it('Wilson interval matches the textbook values', () => {
    const { low, high } = wilsonInterval(8, 10);
    expect(low).toBeCloseTo(0.4902, 3);
    expect(high).toBeCloseTo(0.9433, 3);
    expect(wilsonInterval(0, 20).low).toBe(0);
    expect(wilsonInterval(20, 20).high).toBe(1);
  });
  it('explained variance and advantage normalisation', () => {
    expect(explainedVariance([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(explainedVariance([0, 0, 0], [1, 2, 3])).toBe(0);
    const n = normalize([1, 2, 3]);
    expect(n[1]).toBe(0);
    expect(n[2]).toBeCloseTo(1 / (1 + 1e-5), 6); // sample std of [1,2,3] is 1
  });
  it('derived seeds differ across streams and updates and are stable', () => {
    expect(deriveSeed(1, 2, 3)).toBe(deriveSeed(1, 2, 3));
    expect(
      new Set([deriveSeed(1, 1, 0), deriveSeed(1, 2, 0), deriveSeed(1, 1, 1), deriveSeed(2, 1, 0)]).size,
    ).toBe(4);
    expect(deriveSeed(1, 2, 3)).toBeGreaterThanOrEqual(0);
  });
});

describe('config', () => {
  it('fills tiny defaults and accepts the paper settings', () => {
    const c = resolvePpoConfig({});
    expect(c.thoughtCoef).toBe(0.5);
    expect(c.gamma).toBe(0.9);
    const p = resolvePpoConfig(PAPER_PPO);
    expect(p.gradAccumSteps).toBe(128);
    expect(p.split.mode).toBe('lastTokens');
    expect(p.schedule.lr).toBe(1e-5);
  });
  it('names each bad key, what is wrong and what was given', () => {
    try {
      resolvePpoConfig({ thoughtCoef: 2, generate: { temperature: -1 } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidConfigError);
      expect((e as Error).message).toMatch(/thoughtCoef: .*\(got 2\)/);
      expect((e as Error).message).toMatch(/generate\.temperature: .*\(got -1\)/);
    }
    expect(() => resolveTrainConfig({ runDir: 'x', env: { id: 'a/B-v0' } } as never)).toThrow(/policy/);
  });
});

describe('ConsoleSink', () => {
  it('prints one key=value line per record', () => {
    const lines: string[] = [];
    new ConsoleSink(['update', 'lr', 'successRate'], (l) => lines.push(l)).write({
      phase: 'ppo',
      update: 3,
      lr: 1e-5,
      successRate: 0.5,
    });
    expect(lines).toEqual(['update=3 lr=1.00e-5 successRate=0.5000']);
  });
});
