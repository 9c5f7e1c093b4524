/**
 * The chain-of-thought weighting λ under every built-in algorithm: the gradient of each one's
 * minibatch loss with respect to a reply's token log-probs is −A·λ/B on thought tokens and −A/B
 * on action tokens (at ratio 1), and the old log-prob the ratio divides by is λ-weighted too.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { cotLogProb, tokenWeights } from '../src/action-split.js';
import { builtinAlgorithms } from '../src/algorithms/index.js';
import { resolvePpoConfig } from '../src/config.js';
import { lossFor, resolveAlgorithmSettings } from '../src/rl-loop.js';

await tf.setBackend('cpu');

// Two replies of 4 tokens: reply 0 thinks for 3 tokens then acts with 1; reply 1 thinks for 1, acts with 2 (+1 pad).
const splits = [
  { actionStart: 3, length: 4, foundKey: true },
  { actionStart: 1, length: 3, foundKey: true },
];
const logProbs = [
  [-0.5, -1, -0.25, -2],
  [-0.1, -0.3, -0.7, 0],
];
const advantages = [1, -2];

describe.each(builtinAlgorithms.algorithms.map((a) => [a.id, a] as const))('λ under %s', (_id, algorithm) => {
  it.each([0, 0.5, 1])('λ = %s weights thought tokens by λ and action tokens by 1', (lambda) => {
    const rl = resolvePpoConfig({ thoughtCoef: lambda });
    const loss = lossFor(algorithm, resolveAlgorithmSettings(algorithm, {}), rl);
    const weights = splits.map((s) => tokenWeights(s, lambda, 4));
    const old = splits.map((s, i) => cotLogProb(logProbs[i]!, s, lambda));
    const grad = tf.grad(
      (lp: tf.Tensor) =>
        loss({
          tokenLogProbs: lp,
          tokenWeights: tf.tensor2d(weights),
          mask: tf.tensor2d([
            [1, 1, 1, 1],
            [1, 1, 1, 0],
          ]),
          values: tf.tensor1d([0.3, 0.1]),
          oldLogProbs: tf.tensor1d(old),
          advantages: tf.tensor1d(advantages),
          returns: tf.tensor1d([1, 0]),
          oldValues: tf.tensor1d([0.3, 0.1]),
        }).loss,
    )(tf.tensor2d(logProbs));
    const got = grad.arraySync() as number[][];
    const want = [
      [-lambda / 2, -lambda / 2, -lambda / 2, -1 / 2],
      [(2 * lambda) / 2, 2 / 2, 2 / 2, 0],
    ];
    got.forEach((row, i) => {
      row.forEach((g, t) => {
        expect(g).toBeCloseTo(want[i]![t]!, 6);
      });
    });
  });
});
