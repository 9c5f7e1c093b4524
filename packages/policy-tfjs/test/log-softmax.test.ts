import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { useBackend } from '../src/index.js';
import { logSoftmaxWithProbs } from '../src/log-softmax.js';

afterAll(() => useBackend('wasm'));

/** Rows of logits with ordinary spreads and with gaps where `exp` underflows to 0. */
const logits = () =>
  tf.tensor2d(
    [
      [0.3, -1.2, 2.5, 0, 0.7, -0.4],
      [200, -200, 0, 199.5, -50, 3],
      [-1e3, -1e3, -1e3, -1e3, -1e3, -1e3],
      [5, 5, 5, -5, 80, -300],
    ],
    [4, 6],
  );

describe.each(['wasm', 'cpu'] as const)('logSoftmaxWithProbs on %s', (backend) => {
  it('equals tfjs logSoftmax and softmax, finite where exp underflows', async () => {
    await useBackend(backend);
    tf.tidy(() => {
      const x = logits();
      const { logProbs, probs } = logSoftmaxWithProbs(x);
      const want = tf.logSoftmax(x).arraySync() as number[][];
      const got = logProbs.arraySync() as number[][];
      for (let r = 0; r < want.length; r++)
        for (let c = 0; c < want[r]!.length; c++) {
          expect(Number.isFinite(got[r]![c]!)).toBe(true);
          expect(Math.abs(got[r]![c]! - want[r]![c]!)).toBeLessThan(1e-5 * (1 + Math.abs(want[r]![c]!)));
        }
      const p = probs.arraySync() as number[][];
      const q = tf.softmax(x).arraySync() as number[][];
      expect(p).toEqual(q);
    });
  });

  it('has the gradient of tfjs logSoftmax, for a picked entry and an entropy term', async () => {
    await useBackend(backend);
    tf.tidy(() => {
      const x = logits();
      const weights = tf.tensor2d(
        [1, 0, 0.5, 0, 0, 0, 0, 0, 0, 2, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 0],
        [4, 6],
      );
      const loss = (f: (x: tf.Tensor2D) => { lp: tf.Tensor; p: tf.Tensor }) => (v: tf.Tensor) => {
        const { lp, p } = f(v as tf.Tensor2D);
        return tf.add(tf.sum(tf.mul(lp, weights)), tf.mul(tf.sum(tf.mul(p, lp)), 0.3));
      };
      const ours = tf
        .grad(
          loss((v) => {
            const { logProbs, probs } = logSoftmaxWithProbs(v);
            return { lp: logProbs, p: probs };
          }),
        )(x)
        .arraySync() as number[][];
      const theirs = tf
        .grad(
          loss((v) => {
            const lp = tf.logSoftmax(v);
            return { lp, p: tf.exp(lp) };
          }),
        )(x)
        .arraySync() as number[][];
      for (let r = 0; r < ours.length; r++)
        for (let c = 0; c < ours[r]!.length; c++)
          expect(Math.abs(ours[r]![c]! - theirs[r]![c]!)).toBeLessThan(1e-5);
    });
  });
});
