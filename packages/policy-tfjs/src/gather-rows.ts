import * as tf from '@tensorflow/tfjs-core';

/** Backends whose tensors live in this process's memory, so a JS copy is cheaper than a kernel. */
const IN_PROCESS = new Set(['wasm', 'cpu']);

/**
 * `table[indices]` as `[indices.length, d]`, differentiable on every backend.
 *
 * The wasm backend has no `UnsortedSegmentSum`, so `gather` cannot be differentiated there, and
 * the `oneHot · table` workaround costs `n · rows · d` multiply-adds. On the in-process backends
 * (wasm, cpu) both directions are plain JS row copies (the wasm `GatherV2` kernel is itself ~20×
 * slower than a row copy); elsewhere `gather` and `unsortedSegmentSum`.
 */
export function gatherRows(table: tf.Tensor2D, indices: Int32Array): tf.Tensor2D {
  const [rows, d] = table.shape;
  for (const i of indices) {
    if (!(i >= 0 && i < rows)) throw new RangeError(`gatherRows: index ${i} outside 0..${rows - 1}`);
  }
  const n = indices.length;
  const inProcess = IN_PROCESS.has(tf.getBackend());
  const f = tf.customGrad(((t: tf.Tensor2D) => {
    let value: tf.Tensor2D;
    if (inProcess) {
      const src = t.dataSync() as Float32Array;
      const out = new Float32Array(n * d);
      for (let r = 0; r < n; r++) out.set(src.subarray(indices[r]! * d, (indices[r]! + 1) * d), r * d);
      value = tf.tensor2d(out, [n, d]);
    } else value = tf.gather(t, tf.tensor1d(indices, 'int32'));
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        if (!inProcess) return tf.unsortedSegmentSum(dy, tf.tensor1d(indices, 'int32'), rows);
        const g = dy.dataSync() as Float32Array;
        const sum = new Float32Array(rows * d);
        for (let r = 0; r < n; r++) {
          const to = indices[r]! * d;
          const from = r * d;
          for (let j = 0; j < d; j++) sum[to + j]! += g[from + j]!;
        }
        return tf.tensor2d(sum, [rows, d]);
      },
    };
  }) as never) as (t: tf.Tensor2D) => tf.Tensor2D;
  return f(table);
}
