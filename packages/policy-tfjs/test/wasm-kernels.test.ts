import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../src/index.js';
import { packTheLeftOperand } from '../src/wasm-matmul-fix.js';

/** Plain-JS batched product of row-major `[batch, m, k] × [batch, k, n]` (batch 1 broadcasts). */
function referenceMatMul(
  a: Float32Array,
  b: Float32Array,
  [batchA, m, k]: number[],
  [batchB, , n]: number[],
): Float32Array {
  const batch = Math.max(batchA!, batchB!);
  const out = new Float32Array(batch * m! * n!);
  for (let i = 0; i < batch; i++) {
    const ao = (batchA === 1 ? 0 : i) * m! * k!;
    const bo = (batchB === 1 ? 0 : i) * k! * n!;
    for (let r = 0; r < m!; r++)
      for (let c = 0; c < n!; c++) {
        let s = 0;
        for (let j = 0; j < k!; j++) s += a[ao + r * k! + j]! * b[bo + j * n! + c]!;
        out[(i * m! + r) * n! + c] = s;
      }
  }
  return out;
}

const close = (x: ArrayLike<number>, y: ArrayLike<number>) => {
  expect(x.length).toBe(y.length);
  for (let i = 0; i < x.length; i++)
    expect(Math.abs(x[i]! - y[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(y[i]!)));
};

describe('re-registered wasm kernels', () => {
  beforeAll(() => useBackend('wasm'));

  it('BatchMatMul equals a plain product for every path (batched, broadcast, transposed, small)', () => {
    // [batchA, batchB, m, k, n]: small batched products (naive loop), the per-batch XNNPACK
    // loop on heap aliases, shared right operand, broadcast left operand, rows below the split
    // threshold (naive loop), single product, a weight-gradient shape (`Xᵀ·dY` with dY wider than
    // X: runs as `(dYᵀ·X)ᵀ`).
    expect(packTheLeftOperand(8, 64, 40)).toBe(true);
    const cases = [
      [1, 1, 8, 64, 40],
      [6, 6, 20, 5, 9],
      [6, 6, 40, 33, 30],
      [6, 1, 20, 5, 9],
      [1, 6, 20, 5, 9],
      [6, 6, 1, 5, 9],
      [1, 1, 20, 5, 9],
    ] as const;
    for (const [batchA, batchB, m, k, n] of cases) {
      for (const [ta, tb] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ] as const) {
        tf.tidy(() => {
          const a = tf.randomNormal([batchA, m, k], 0, 1, 'float32', 1);
          const b = tf.randomNormal([batchB, k, n], 0, 1, 'float32', 2);
          const expected = referenceMatMul(
            a.dataSync() as Float32Array,
            b.dataSync() as Float32Array,
            [batchA, m, k],
            [batchB, k, n],
          );
          const got = tf.matMul(
            ta ? tf.transpose(a, [0, 2, 1]) : a,
            tb ? tf.transpose(b, [0, 2, 1]) : b,
            ta,
            tb,
          );
          expect(got.shape).toEqual([Math.max(batchA, batchB), m, n]);
          close(got.dataSync(), expected);
        });
      }
    }
    // Rank 4 (attention's [B, H, T, dh]) keeps its batch dimensions.
    tf.tidy(() => {
      const q = tf.randomNormal([2, 3, 12, 4], 0, 1, 'float32', 3);
      const k = tf.randomNormal([2, 3, 10, 4], 0, 1, 'float32', 4);
      const got = tf.matMul(q, k, false, true);
      expect(got.shape).toEqual([2, 3, 12, 10]);
      const expected = referenceMatMul(
        q.dataSync() as Float32Array,
        tf.transpose(k, [0, 1, 3, 2]).dataSync() as Float32Array,
        [6, 12, 4],
        [6, 4, 10],
      );
      close(got.dataSync(), expected);
    });
  });

  it('Slice and Unpack read the heap in place and return the right box (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
        (shape, picks) => {
          const size = shape.reduce((a, b) => a * b, 1);
          const values = Float32Array.from({ length: size }, (_, i) => i);
          const begin = shape.map((s, d) => picks[d]! % s);
          const box = shape.map((s, d) => 1 + (picks[d + 4]! % (s - begin[d]!)));
          tf.tidy(() => {
            const x = tf.tensor(values, shape);
            const got = tf.slice(x, begin, box);
            // Expected by walking the box in row-major order.
            const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
            const expected: number[] = [];
            const walk = (d: number, offset: number) => {
              if (d === shape.length) {
                expected.push(values[offset]!);
                return;
              }
              for (let i = 0; i < box[d]!; i++) walk(d + 1, offset + (begin[d]! + i) * strides[d]!);
            };
            walk(0, 0);
            expect(got.shape).toEqual(box);
            expect(Array.from(got.dataSync())).toEqual(expected);
            const parts = tf.unstack(x, shape.length - 1);
            parts.forEach((p, i) => {
              const one = tf.slice(
                x,
                shape.map((_, d) => (d === shape.length - 1 ? i : 0)),
                [...shape.slice(0, -1), 1],
              );
              expect(Array.from(p.dataSync())).toEqual(Array.from(one.dataSync()));
            });
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});
