import '@tensorflow/tfjs-backend-cpu';
import {
  type Experience,
  type RolloutSample,
  resolvePpoConfig,
  tokenWeights,
  validateAlgorithmManifest,
} from '@rl4vlm/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import manifest, { reinforceAdvantages, reinforceLoss } from '../src/index.js';

await tf.setBackend('cpu');

/** Episodes as lists of rewards, one sample per step, groups of one. */
function experience(episodes: number[][]): Experience {
  const samples = episodes.flatMap((rewards, episodeId) =>
    rewards.map(
      (reward, k) =>
        ({
          groupId: episodeId,
          episodeId,
          stepInEpisode: k,
          reward,
          parseOk: true,
          done: k === rewards.length - 1,
        }) as RolloutSample,
    ),
  );
  return { samples, episodes: [], generatedTokens: 0, seconds: 1 };
}

describe('REINFORCE with a moving-average baseline', () => {
  it('is a valid algorithm plugin manifest', () => {
    expect(validateAlgorithmManifest(manifest).algorithms.map((a) => a.id)).toEqual(['reinforce']);
  });

  it('A_t = G_t − b, the baseline moving over the episodes in order (worked by hand)', () => {
    const rl = resolvePpoConfig({});
    const exp = experience([[0, 1], [-1], [1]]);
    // β = 0.5, γ = 1: b = R_0 = 1 → A = 0, 0; b ← 1; A = −1 − 1 = −2; b ← 0; A = 1 − 0 = 1; b ← 0.5.
    const r = reinforceAdvantages({
      experience: exp,
      values: [],
      settings: { gamma: 1, baselineRate: 0.5 },
      rl,
    });
    expect(r.advantages).toEqual([0, 0, -2, 1]);
    expect(r.metrics!.finalBaseline).toBe(0.5);
    // γ = 0.5: G_0 = 0 + 0.5·1 = 0.5 in the first episode, so A_0 = 0.5 − 1.
    expect(
      reinforceAdvantages({ experience: exp, values: [], settings: { gamma: 0.5, baselineRate: 0.5 }, rl })
        .advantages,
    ).toEqual([-0.5, 0, -2, 1]);
  });

  it('its loss weights thought tokens by λ: ∂L/∂log p = −A·λ/B on thought, −A/B on action tokens', () => {
    const lambda = 0.3;
    const split = { actionStart: 2, length: 3, foundKey: true };
    const rl = resolvePpoConfig({ thoughtCoef: lambda });
    const grad = tf.grad(
      (lp: tf.Tensor) =>
        reinforceLoss(
          {
            tokenLogProbs: lp,
            tokenWeights: tf.tensor2d([tokenWeights(split, lambda, 3), tokenWeights(split, lambda, 3)]),
            mask: tf.ones([2, 3]),
            values: tf.zeros([2]),
            oldLogProbs: tf.tensor1d([-1, -2]),
            advantages: tf.tensor1d([2, -1]),
            returns: tf.zeros([2]),
            oldValues: tf.zeros([2]),
          },
          {},
          rl,
        ).loss,
    )(
      tf.tensor2d([
        [-0.2, -0.4, -1],
        [-0.3, -0.1, -2],
      ]),
    );
    const want = [
      [-lambda, -lambda, -1],
      [lambda / 2, lambda / 2, 1 / 2],
    ];
    (grad.arraySync() as number[][]).forEach((row, i) => {
      row.forEach((g, t) => {
        expect(g).toBeCloseTo(want[i]![t]!, 6);
      });
    });
  });
});
