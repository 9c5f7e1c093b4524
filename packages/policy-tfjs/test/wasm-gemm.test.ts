import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GemmMode, gemmMode, loadWasmGemm, useBackend, type WasmGemm } from '../src/index.js';
import type { TensorInfoLike, WasmBackendLike } from '../src/wasm-kernel-types.js';

/** tfjs' own product on the cpu backend (plain JS), as row-major data. */
async function cpuMatMul(
  a: Float32Array,
  aShape: number[],
  b: Float32Array,
  bShape: number[],
  transposeA: boolean,
  transposeB: boolean,
): Promise<Float32Array> {
  await tf.setBackend('cpu');
  const out = tf.tidy(() => tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), transposeA, transposeB));
  const data = out.dataSync() as Float32Array;
  out.dispose();
  await useBackend('wasm');
  return data;
}

describe('the wasm GEMM', () => {
  let gemm: WasmGemm;
  beforeAll(async () => {
    await useBackend('wasm');
    gemm = (await loadWasmGemm(tf.backend() as unknown as WasmBackendLike))!;
  });

  it('loads on the wasm backend in Node', () => {
    expect(gemm).toBeDefined();
  });

  it('equals tfjs’ cpu matMul over odd shapes, every transpose, batches and broadcasts', async () => {
    // [leadA, leadB, m, k, n]: few rows (in-place loops), many rows (packed B) with k and n past
    // one packed block (k > 256, n > 256), sizes that are no multiple of 4 or 8, k = 1.
    const cases: [number[], number[], number, number, number][] = [
      [[2], [2], 1, 1, 1],
      [[2], [2], 3, 5, 7],
      [[2], [2], 13, 33, 9],
      [[2], [2], 16, 70, 17],
      [[], [], 17, 3, 8],
      [[], [], 21, 300, 301],
      [[], [], 64, 513, 40],
      [[3], [3], 5, 7, 11],
      [[3], [3], 19, 6, 10],
      [[3], [], 18, 9, 13],
      [[], [3], 2, 9, 13],
      [[2, 3], [2, 3], 1, 37, 29],
      [[2, 3], [1, 1], 23, 4, 5],
    ];
    let seed = 1;
    for (const [leadA, leadB, m, k, n] of cases)
      for (const [ta, tb] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ] as const) {
        const aShape = [...leadA, ta ? k : m, ta ? m : k];
        const bShape = [...leadB, tb ? n : k, tb ? k : n];
        const a = tf.randomNormal(aShape, 0, 1, 'float32', seed++);
        const b = tf.randomNormal(bShape, 0, 1, 'float32', seed++);
        const aData = a.dataSync() as Float32Array;
        const bData = b.dataSync() as Float32Array;
        const got = gemm.matMul(a as unknown as TensorInfoLike, b as unknown as TensorInfoLike, ta, tb)!;
        expect(got, `${aShape} × ${bShape} ${ta} ${tb}`).toBeDefined();
        const gotTensor = tf.engine().makeTensorFromTensorInfo(got as unknown as tf.TensorInfo);
        const gotData = gotTensor.dataSync() as Float32Array;
        const lead = leadA.length >= leadB.length ? (leadA.length ? leadA : leadB) : leadB;
        expect(gotTensor.shape).toEqual([...lead, m, n]);
        gotTensor.dispose();
        a.dispose();
        b.dispose();
        const expected = await cpuMatMul(aData, aShape, bData, bShape, ta, tb);
        expect(gotData.length).toBe(expected.length);
        for (let i = 0; i < expected.length; i++)
          expect(
            Math.abs(gotData[i]! - expected[i]!),
            `${aShape} × ${bShape} ${ta} ${tb} at ${i}`,
          ).toBeLessThan(1e-5 * Math.sqrt(k) * (1 + Math.abs(expected[i]!)));
      }
  });

  it('runs tf.matMul (the re-registered BatchMatMul) and returns zeros for an empty inner size', () => {
    const out = tf.tidy(() => tf.matMul(tf.zeros([20, 0]), tf.zeros([0, 3])).dataSync());
    expect([...out]).toEqual(new Array(60).fill(0));
  });

  it('leaves what it does not handle to the stock kernel', () => {
    const a = tf.ones([2, 1, 3, 4]);
    const b = tf.ones([1, 2, 4, 5]);
    // A batch that broadcasts on both sides ([2, 1] with [1, 2]).
    expect(
      gemm.matMul(a as unknown as TensorInfoLike, b as unknown as TensorInfoLike, false, false),
    ).toBeUndefined();
    expect(tf.matMul(a, b).shape).toEqual([2, 2, 3, 5]);
    tf.dispose([a, b]);
  });

  it('picks the in-place loops only for few rows', () => {
    expect(gemmMode(1, false, true)).toBe(GemmMode.dots);
    expect(gemmMode(16, false, false)).toBe(GemmMode.inPlaceRows);
    expect(gemmMode(16, true, true)).toBe(GemmMode.packed);
    expect(gemmMode(17, false, true)).toBe(GemmMode.packed);
  });

  it('ships the build of its AssemblyScript source', () => {
    const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
    const out = execFileSync(process.execPath, [path.join(root, 'scripts', 'build-gemm.mjs'), '--check'], {
      encoding: 'utf8',
    });
    expect(out).toMatch(/up to date/);
  });
});
