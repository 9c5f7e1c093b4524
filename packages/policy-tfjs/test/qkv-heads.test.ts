import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../src/index.js';
import { rotaryTables, rotateHalfMatrix, splitQkv, splitQkvOps } from '../src/layers.js';
import { QKV_HEADS } from '../src/qkv-heads-kernel.js';

/** Seeded uniform values in [−1, 1). */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

describe('the q/k/v heads kernel (wasm)', () => {
  beforeAll(() => useBackend('wasm'));

  it('gives the same q, k, v and the same gradient bits as the composed ops', () => {
    expect(tf.getKernel(QKV_HEADS, 'wasm')).toBeDefined();
    const [b, t, heads, dh] = [3, 7, 2, 8];
    // Rows at different offsets, as left padding makes them.
    const positions = [0, 2, 5].map((o) => Array.from({ length: t }, (_, j) => o + j));
    const { cos, sin } = rotaryTables(positions, dh, 10000, { qkv: true });
    const rotate = rotateHalfMatrix(dh);
    const x = tf.tensor3d(values(b * t * 3 * heads * dh, 1), [b, t, 3 * heads * dh]);
    const weights = [2, 3, 4].map((s) => tf.tensor4d(values(b * heads * t * dh, s), [b, heads, t, dh]));
    const run = (split: typeof splitQkv) => {
      const heads3 = split(x, heads, { cos, sin, rotate }).map((p) => p.dataSync());
      const loss = (input: tf.Tensor) =>
        tf.addN(
          split(input, heads, { cos, sin, rotate }).map((p, i) => tf.sum(tf.mul(p, weights[i]!))),
        ) as tf.Scalar;
      return { heads3, grad: tf.grad(loss)(x).dataSync() };
    };
    const kernel = run(splitQkv);
    const ops = run(splitQkvOps);
    for (let p = 0; p < 3; p++) expect(Array.from(kernel.heads3[p]!)).toEqual(Array.from(ops.heads3[p]!));
    expect(Array.from(kernel.grad)).toEqual(Array.from(ops.grad));
    // Not the identity: q moved by the rotation, v did not.
    expect(Array.from(kernel.heads3[0]!)).not.toEqual(Array.from(splitQkvOps(x, heads)[0].dataSync()));
    expect(Array.from(kernel.heads3[2]!)).toEqual(Array.from(splitQkvOps(x, heads)[2].dataSync()));
  });

  it('runs as one kernel each way, with no product or transpose, and keeps no tensors', async () => {
    const [b, t, heads, dh] = [2, 4, 2, 8];
    const positions = [0, 1].map((o) => Array.from({ length: t }, (_, j) => o + j));
    const { cos, sin } = rotaryTables(positions, dh, 10000, { qkv: true });
    const rotate = rotateHalfMatrix(dh);
    const x = tf.tensor3d(values(b * t * 3 * heads * dh, 7), [b, t, 3 * heads * dh]);
    const loss = (input: tf.Tensor) =>
      tf.tidy(() => {
        const [q, k, v] = splitQkv(input, heads, { cos, sin, rotate });
        return tf.sum(tf.add(tf.add(q, tf.mul(k, 2)), tf.mul(v, 3))) as tf.Scalar;
      });
    const before = tf.memory().numTensors;
    const info = await tf.profile(() => tf.grad(loss)(x));
    const names = info.kernels.map((k) => k.name);
    expect(names.filter((n) => n === QKV_HEADS)).toHaveLength(1);
    expect(names.filter((n) => n === `${QKV_HEADS}Grad`)).toHaveLength(1);
    expect(names).not.toContain('BatchMatMul');
    expect(names).not.toContain('Transpose');
    tf.dispose(info.result as tf.Tensor);
    expect(tf.memory().numTensors).toBe(before);
  });
});
