import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../src/index.js';
import {
  rmsNorm,
  rmsNormOps,
  rotaryTables,
  rotateHalfMatrix,
  splitQkv,
  splitQkvOps,
  swiglu,
  swigluOps,
} from '../src/layers.js';
import { QKV_HEADS, RMS_NORM, SWIGLU } from '../src/train-kernels.js';

/** Seeded uniform values in [−1, 1). */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

describe('the training-step kernels (wasm)', () => {
  beforeAll(() => useBackend('wasm'));

  it('q/k/v heads: the same q, k, v and the same gradient bits as the composed ops', () => {
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

  it('q/k/v heads: one kernel each way, with no product or transpose, and keeps no tensors', async () => {
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

  /** Values and every gradient of `f` (weighted by a fixed random cotangent) on the inputs. */
  function valueAndGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], seed: number) {
    return tf.tidy(() => {
      const out = f(...inputs);
      const cotangent = tf.tensor(values(out.size, seed), out.shape);
      const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), cotangent)))(inputs);
      return { value: out.dataSync(), grads: grads.map((g) => g.dataSync()) };
    });
  }

  /** Every element within `tol` relative (plus `tol` absolute) of the reference. */
  function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number) {
    expect(got.length).toBe(want.length);
    let worst = 0;
    for (let i = 0; i < got.length; i++)
      worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / (tol + Math.abs(want[i]!)));
    expect(worst).toBeLessThan(1);
  }

  it('RMSNorm: values and gradients (x and w) of the composed ops to float tolerance, as one kernel each way, keeping no tensors', async () => {
    const x = tf.mul(tf.tensor3d(values(3 * 7 * 16, 11), [3, 7, 16]), 3);
    const w = tf.add(tf.tensor1d(values(16, 12)), 1);
    const kernel = valueAndGrads(rmsNorm, [x, w], 13);
    const ops = valueAndGrads(rmsNormOps, [x, w], 13);
    expectClose(kernel.value, ops.value, 1e-5);
    expectClose(kernel.grads[0]!, ops.grads[0]!, 1e-5);
    expectClose(kernel.grads[1]!, ops.grads[1]!, 1e-5);
    const before = tf.memory().numTensors;
    const info = await tf.profile(() =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(rmsNorm(a, b)))([x, w]),
    );
    const names = info.kernels.map((k) => k.name);
    expect(names.filter((n) => n === RMS_NORM)).toHaveLength(1);
    expect(names.filter((n) => n === `${RMS_NORM}Grad`)).toHaveLength(1);
    expect(names).not.toContain('Rsqrt');
    tf.dispose(info.result as tf.Tensor[]);
    expect(tf.memory().numTensors).toBe(before);
    // A width that is not a multiple of 4 takes the composed ops, with the same results.
    const odd = tf.tensor2d(values(5 * 6, 14), [5, 6]);
    const ow = tf.tensor1d(values(6, 15));
    expect(Array.from(rmsNorm(odd, ow).dataSync())).toEqual(Array.from(rmsNormOps(odd, ow).dataSync()));
  });

  it('SwiGLU: value and gradient of the composed ops to float tolerance, as one kernel each way, keeping no tensors', async () => {
    // Gates from −12 to 12, where the sigmoid saturates on both sides.
    const gu = tf.mul(tf.tensor3d(values(3 * 5 * 24, 21), [3, 5, 24]), 12);
    const kernel = valueAndGrads(swiglu, [gu], 22);
    const ops = valueAndGrads(swigluOps, [gu], 22);
    expectClose(kernel.value, ops.value, 1e-5);
    expectClose(kernel.grads[0]!, ops.grads[0]!, 1e-5);
    // Not trivially equal: a wrong half (gate and up swapped) would fail.
    expect(Array.from(kernel.value).some((v) => Math.abs(v) > 1)).toBe(true);
    const before = tf.memory().numTensors;
    const info = await tf.profile(() => tf.grad((a: tf.Tensor) => tf.sum(swiglu(a)))(gu));
    const names = info.kernels.map((k) => k.name);
    expect(names.filter((n) => n === SWIGLU)).toHaveLength(1);
    expect(names.filter((n) => n === `${SWIGLU}Grad`)).toHaveLength(1);
    expect(names).not.toContain('Sigmoid');
    tf.dispose(info.result as tf.Tensor);
    expect(tf.memory().numTensors).toBe(before);
  });
});
