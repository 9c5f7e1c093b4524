/**
 * Reading gradients into kept buffers instead of `dataSync()`'s fresh arrays, on the real wasm
 * backend (heap reads) and on the cpu backend (the `dataSync()` path, and a backend that keeps
 * the array a tensor is made from).
 */
import '@tensorflow/tfjs-backend-cpu';
import { TfjsPolicy } from '@rl4vlm/policy-tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ReusedBuffers, readInto, tensorsOfCopy } from '../src/replicas/read-into.js';

const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 1e-3);

describe.each(['wasm', 'cpu'])('readInto and tensorsOfCopy on the %s backend', (backend) => {
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  it('reads the same values as dataSync, into the given buffer; checks dtype and size', async () => {
    (await TfjsPolicy.create('tiny')).dispose(); // registers and starts the wasm backend
    await tf.setBackend(backend);
    expect(tf.getBackend()).toBe(backend);
    const t = tf.tidy(() => tf.mul(tf.tensor1d(values), 3)); // a kernel's output, not an upload
    const dest = new Float32Array(1000);
    expect(readInto(t, dest)).toBe(dest);
    expect([...dest]).toEqual([...(t.dataSync() as Float32Array)]);
    expect(() => readInto(t, new Float32Array(999))).toThrow(/1000 values, the destination 999/);
    const ints = tf.tensor1d([1, 2], 'int32');
    expect(() => readInto(ints, new Float32Array(2))).toThrow(/float32 tensors, got int32/);
    // Shared memory works as a destination (a worker's gradient area).
    const shared = new Float32Array(new SharedArrayBuffer(4000));
    expect([...readInto(t, shared)]).toEqual([...dest]);
    tf.dispose([t, ints]);
  });

  it('tensorsOfCopy: one tensor per variable, in order and shape; overwriting the source afterwards changes none', async () => {
    await tf.setBackend(backend);
    const variables = [tf.variable(tf.zeros([10, 20])), tf.variable(tf.zeros([800]))];
    const source = values.slice();
    const parts = tensorsOfCopy(source, variables);
    const kept = parts.map((t) => tf.keep(tf.clone(t))); // what GradientAccumulator.add holds on to
    source.fill(7);
    expect(parts.map((t) => t.shape)).toEqual([[10, 20], [800]]);
    for (const list of [parts, kept]) {
      expect([...(list[0]!.dataSync() as Float32Array)]).toEqual([...values.subarray(0, 200)]);
      expect([...(list[1]!.dataSync() as Float32Array)]).toEqual([...values.subarray(200)]);
    }
    tf.dispose([...parts, ...kept, ...variables]);
  });
});

describe('ReusedBuffers', () => {
  it('hands out the same buffer for the same index, a distinct one per index, made on first use', () => {
    const buffers = new ReusedBuffers(5);
    const b0 = buffers.at(0);
    const b2 = buffers.at(2);
    expect(b0).toHaveLength(5);
    expect(buffers.at(0)).toBe(b0);
    expect(buffers.at(2)).toBe(b2);
    expect(new Set([b0, buffers.at(1), b2]).size).toBe(3);
  });
});
