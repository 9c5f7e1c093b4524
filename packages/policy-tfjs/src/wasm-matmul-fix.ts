import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfoLike, WasmBackendLike } from './wasm-kernel-types.js';

let installed = false;

/**
 * Output rows from which a batched product is split into one XNNPACK product per batch element.
 * Below it (e.g. one decode step, `[B·H, 1, dh] × [B·H, dh, T]`) the per-call set-up costs more
 * than the naive loop.
 */
const MIN_ROWS_PER_BATCH = 8;

/**
 * Re-registers the wasm `BatchMatMul`. The stock kernel sends only a batch of one without
 * transposes to XNNPACK; everything else runs a naive triple loop at well under 1 GFLOP/s.
 * - Transposed operands of a single product (every matMul gradient) are transposed first
 *   (platform.md: ~10× faster).
 * - A batch whose right operand is shared (`[B, M, K] × [K, N]`) becomes one `[B·M, K] × [K, N]`.
 * - A real batch (attention: `[B·H, T, dh] × [B·H, dh, T]`) becomes one XNNPACK product per
 *   batch element, each on a copy of its slices in the wasm heap (measured 120 → 30 ms for
 *   `64 × [217, 32] × [32, 217]`).
 * Small batched products (a decode step's attention) keep the naive loop, with their transposes:
 * its inner loop reads both operands contiguously when `b` is transposed.
 */
export function installWasmMatMulFix(): void {
  if (installed) return;
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transposeKernel = tf.getKernel('Transpose', 'wasm');
  if (!original || !transposeKernel) return;
  installed = true;
  const run = original.kernelFunc as unknown as KernelFunc;
  const transpose = transposeKernel.kernelFunc as unknown as KernelFunc;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    disposeFunc: original.disposeFunc,
    kernelFunc: (({ inputs, backend, attrs = {} }) => {
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      const wasm = backend as unknown as WasmBackendLike;
      let a = (inputs as { a: TensorInfoLike }).a;
      let b = (inputs as { b: TensorInfoLike }).b;
      const batchA = a.shape.slice(0, -2).reduce((x, y) => x * y, 1);
      const batchB = b.shape.slice(0, -2).reduce((x, y) => x * y, 1);
      const rows = transposeA ? a.shape.at(-1)! : a.shape.at(-2)!;
      const batch = Math.max(batchA, batchB);
      if (batch > 1 && rows < MIN_ROWS_PER_BATCH)
        return run({ inputs: { a, b }, backend, attrs }) as TensorInfoLike;
      const temporaries: TensorInfoLike[] = [];
      const swapLast = (x: TensorInfoLike): TensorInfoLike => {
        const perm = x.shape.map((_, i) => i);
        const n = perm.length;
        [perm[n - 2], perm[n - 1]] = [perm[n - 1]!, perm[n - 2]!];
        const t = transpose({ inputs: { x }, backend, attrs: { perm } }) as TensorInfoLike;
        temporaries.push(t);
        return t;
      };
      if (transposeA) a = swapLast(a);
      if (transposeB) b = swapLast(b);
      const plain = { ...attrs, transposeA: false, transposeB: false };
      try {
        const [m, k] = a.shape.slice(-2) as [number, number];
        const n = b.shape.at(-1)!;
        const outShape = [...(batchA >= batchB ? a.shape.slice(0, -2) : b.shape.slice(0, -2)), m, n];
        if (batch === 1) return run({ inputs: { a, b }, backend, attrs: plain }) as TensorInfoLike;
        if (batchB === 1) {
          const flat = { ...a, shape: [1, batchA * m, k] };
          const rhs = { ...b, shape: [1, k, n] };
          const out = run({ inputs: { a: flat, b: rhs }, backend, attrs: plain }) as TensorInfoLike;
          return { ...out, shape: outShape };
        }
        if (batchA !== batch && batchA !== 1)
          return run({ inputs: { a, b }, backend, attrs: plain }) as TensorInfoLike;
        const out = wasm.makeOutput(outShape, 'float32');
        for (let i = 0; i < batch; i++) {
          const ai = wasm.makeOutput([1, m, k], 'float32');
          const bi = wasm.makeOutput([1, k, n], 'float32');
          // Views are taken after every allocation: a heap growth detaches older ones.
          const ia = batchA === 1 ? 0 : i;
          wasm.typedArrayFromHeap(ai).set(wasm.typedArrayFromHeap(a).subarray(ia * m * k, (ia + 1) * m * k));
          wasm.typedArrayFromHeap(bi).set(wasm.typedArrayFromHeap(b).subarray(i * k * n, (i + 1) * k * n));
          const oi = run({ inputs: { a: ai, b: bi }, backend, attrs: plain }) as TensorInfoLike;
          wasm.typedArrayFromHeap(out).set(wasm.typedArrayFromHeap(oi), i * m * n);
          // Disposing `bi` also frees the XNNPACK operator cached on it.
          wasm.disposeData(ai.dataId);
          wasm.disposeData(bi.dataId);
          wasm.disposeData(oi.dataId);
        }
        return out;
      } finally {
        for (const t of temporaries) wasm.disposeData(t.dataId);
      }
    }) as tf.KernelFunc,
  });
}
