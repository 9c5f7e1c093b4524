import * as tf from '@tensorflow/tfjs-core';
import type { WasmGemm } from './wasm-gemm.js';
import type { KernelFunc, TensorInfoLike, WasmBackendLike } from './wasm-kernel-types.js';

let installed = false;

/**
 * Output rows from which a batched product is split into one XNNPACK product per batch element.
 * Below it (e.g. one decode step, `[B·H, 1, dh] × [B·H, dh, T]`) the per-call set-up costs more
 * than the naive loop.
 */
const MIN_ROWS_PER_BATCH = 8;
/**
 * Multiply-adds per batch element below which the naive loop wins too: the vision encoder's
 * attention (`64 × [16, 16] × [16, 16]`) measured 2.8 ms split, 0.3 ms naive.
 */
const MIN_MACS_PER_BATCH = 32_768;

/**
 * What XNNPACK's packing of the right operand costs per element, relative to a transpose (both
 * measured per element in the bench, `bench/matmul-orientation.mjs`: packing ~8–19 ns, a
 * transpose ~4–7 ns on the wasm build). Only the ratio matters for {@link packTheLeftOperand}.
 */
const PACK_PER_TRANSPOSE = 2;

/**
 * Whether `Aᵀ·B` (A stored `[k, m]`, B stored `[k, n]`: every weight gradient `Xᵀ·dY`) is cheaper
 * as `(Bᵀ·A)ᵀ`. The wasm product packs its right operand into XNNPACK's layout on every call
 * whose right operand is a new tensor (the operator cache is keyed by the tensor), and packing
 * costs as much as ~100 rows of the product. Direct: transpose A (`k·m`) and pack B (`k·n`).
 * Swapped: transpose B (`k·n`), pack A as it is stored (`k·m`), transpose the `[n, m]` result.
 * With `k` = all positions of a batch and `n` = 3·dim or 2·ffn, swapping packs the narrow side:
 * tiny's q/k/v weight gradient fell from 33 to 22 CPU-ms alone.
 */
export function packTheLeftOperand(m: number, k: number, n: number): boolean {
  const direct = k * m + PACK_PER_TRANSPOSE * k * n;
  const swapped = k * n + PACK_PER_TRANSPOSE * k * m + n * m;
  return swapped < direct;
}

/** Shape bytes as the wasm `BatchMatMul` entry point takes them. */
const shapeBytes = (shape: number[]) => new Uint8Array(new Int32Array(shape).buffer);

/**
 * Re-registers the wasm `BatchMatMul`. With `gemm` (this package's WebAssembly GEMM on the
 * backend's heap, {@link WasmGemm}) every float32 product it handles runs there: it reads both
 * operands in place, so none of the paths below (transposes, XNNPACK's packing) are taken.
 * The rest, and every product without `gemm`:
 * The stock kernel sends only a batch of one without
 * transposes to XNNPACK; everything else runs a naive triple loop at well under 1 GFLOP/s.
 * - Transposed operands of a single product (every matMul gradient) are transposed first
 *   (platform.md: ~10× faster).
 * - A batch whose right operand is shared (`[B, M, K] × [K, N]`) becomes one `[B·M, K] × [K, N]`.
 * - A real batch (attention: `[B·H, T, dh] × [B·H, dh, T]`) becomes one XNNPACK product per
 *   batch element, each reading and writing its slice of the heap in place: the slices are
 *   registered with the C++ side as tensors of their own (aliases), so nothing is copied or
 *   allocated per element (measured 120 → 30 ms for `64 × [217, 32] × [32, 217]` with copies;
 *   aliases take the copies and allocations off that).
 * - A weight gradient `Xᵀ·dY` whose `dY` is wider than `X` runs as `(dYᵀ·X)ᵀ`, so XNNPACK packs
 *   the narrow operand ({@link packTheLeftOperand}).
 * Small batched products (a decode step's attention) keep the naive loop, with their transposes:
 * its inner loop reads both operands contiguously when `b` is transposed.
 */
export function installWasmMatMulFix(gemm?: WasmGemm): void {
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
      const viaGemm = gemm?.matMul(a, b, transposeA, transposeB);
      if (viaGemm) return viaGemm;
      const batchA = a.shape.slice(0, -2).reduce((x, y) => x * y, 1);
      const batchB = b.shape.slice(0, -2).reduce((x, y) => x * y, 1);
      const rows = transposeA ? a.shape.at(-1)! : a.shape.at(-2)!;
      const inner = transposeA ? a.shape.at(-2)! : a.shape.at(-1)!;
      const cols = transposeB ? b.shape.at(-2)! : b.shape.at(-1)!;
      const batch = Math.max(batchA, batchB);
      if (batch > 1 && batchB > 1 && (rows < MIN_ROWS_PER_BATCH || rows * inner * cols < MIN_MACS_PER_BATCH))
        return run({ inputs: { a, b }, backend, attrs }) as TensorInfoLike;
      const temporaries: TensorInfoLike[] = [];
      const swapLast = (x: TensorInfoLike, keep = false): TensorInfoLike => {
        const perm = x.shape.map((_, i) => i);
        const n = perm.length;
        [perm[n - 2], perm[n - 1]] = [perm[n - 1]!, perm[n - 2]!];
        const t = transpose({ inputs: { x }, backend, attrs: { perm } }) as TensorInfoLike;
        if (!keep) temporaries.push(t);
        return t;
      };
      const plainAttrs = { ...attrs, transposeA: false, transposeB: false };
      if (batch === 1 && transposeA && !transposeB && packTheLeftOperand(rows, inner, cols)) {
        try {
          // (Bᵀ·A)ᵀ: A as stored ([k, m]) is the packed right operand.
          const bT = swapLast(b);
          const lhs = { ...bT, shape: [1, cols, inner] };
          const rhs = { ...a, shape: [1, inner, rows] };
          const outT = run({ inputs: { a: lhs, b: rhs }, backend, attrs: plainAttrs }) as TensorInfoLike;
          temporaries.push(outT);
          const out = swapLast(outT, true);
          const lead = a.shape.length >= b.shape.length ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
          return { ...out, shape: [...lead, rows, cols] };
        } finally {
          for (const t of temporaries) wasm.disposeData(t.dataId);
        }
      }
      if (transposeA) a = swapLast(a);
      if (transposeB) b = swapLast(b);
      const plain = plainAttrs;
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
        matMulPerElement(wasm, a, b, out, { batch, batchA, m, k, n });
        return out;
      } finally {
        for (const t of temporaries) wasm.disposeData(t.dataId);
      }
    }) as tf.KernelFunc,
  });
}

let wasmBatchMatMul: ((...args: unknown[]) => void) | undefined;

/**
 * `out[i] = a[i or 0] × b[i]` for every batch element, one XNNPACK product each, on aliases:
 * C++ tensor ids registered at the element's byte offset inside `a`, `b` and `out`, then
 * forgotten again (the C++ side frees nothing on dispose; the JS side owns the memory).
 */
function matMulPerElement(
  wasm: WasmBackendLike,
  a: TensorInfoLike,
  b: TensorInfoLike,
  out: TensorInfoLike,
  { batch, batchA, m, k, n }: { batch: number; batchA: number; m: number; k: number; n: number },
): void {
  wasmBatchMatMul ??= wasm.wasm.cwrap('BatchMatMul', null, [
    'number',
    'array',
    'number',
    'number',
    'array',
    'number',
    'number',
    'number',
    'number',
  ]);
  const offset = (t: TensorInfoLike) => wasm.dataIdMap.get(t.dataId)!.memoryOffset;
  const [aAt, bAt, outAt] = [offset(a), offset(b), offset(out)];
  const aShape = shapeBytes([1, m, k]);
  const bShape = shapeBytes([1, k, n]);
  const { registerTensor, disposeData } = wasm.wasm.tfjs;
  for (let i = 0; i < batch; i++) {
    const ia = batchA === 1 ? 0 : i;
    const ids = [wasm.dataIdNextNumber++, wasm.dataIdNextNumber++, wasm.dataIdNextNumber++] as const;
    registerTensor(ids[0], m * k, aAt + 4 * ia * m * k);
    registerTensor(ids[1], k * n, bAt + 4 * i * k * n);
    registerTensor(ids[2], m * n, outAt + 4 * i * m * n);
    try {
      wasmBatchMatMul(ids[0], aShape, 3, ids[1], bShape, 3, false, false, ids[2]);
    } finally {
      // Forgetting `b`'s id also frees the XNNPACK operator cached on it.
      for (const id of ids) disposeData(id);
    }
  }
}
