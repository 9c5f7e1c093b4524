import * as tf from '@tensorflow/tfjs-core';
import { GEMM_WASM_BASE64 } from './gemm-wasm-bytes.js';
import type { TensorInfoLike, WasmBackendLike } from './wasm-kernel-types.js';
import { instantiateOnHeap } from './wasm-on-heap.js';

/** Rows of B packed per block at most. */
const KC = 256;
/**
 * Floats of B packed per block: 256 KiB, which stays in a core's L2 cache. A block is `kc` rows
 * (k or KC) by as many columns as fit, so a product with a small k packs all of B at once and
 * streams A once.
 */
const BLOCK = 65_536;

/**
 * How the GEMM loops over one product (`assembly/gemm.ts`, `gemm`'s `mode`): `packed` packs
 * blocks of B and reads A in place (any layout, most products); `inPlaceRows` reads a row-major
 * B in place (few rows of C, where packing B costs more than it saves); `dots` takes dot products
 * along k (A row-major, B transposed, few rows: a decode step's `q·kᵀ`).
 */
export const GemmMode = { packed: 0, inPlaceRows: 1, dots: 2 } as const;
export type GemmMode = (typeof GemmMode)[keyof typeof GemmMode];

/**
 * Rows of C up to which a product skips packing B: packing touches each element of B once, the
 * product `m` times, so for few rows it is most of the work (a decode step's products have one
 * row per sequence, or one per (sequence, head) in attention).
 */
export const IN_PLACE_MAX_ROWS = 16;

/**
 * Rows up to which a product with one right operand stays on XNNPACK: a decode step multiplies
 * its few rows by the same weights every step, and XNNPACK keeps those packed (its operator is
 * cached per right operand), which beats reading them in place (tiny's and small's decode
 * products ran at 10–12 GMAC/s there and 6–9 here).
 */
export const XNNPACK_MAX_ROWS = 16;

/** The loop for `op(A)·op(B)` with `m` rows of C. */
export function gemmMode(m: number, transposeA: boolean, transposeB: boolean): GemmMode {
  if (m > IN_PLACE_MAX_ROWS) return GemmMode.packed;
  if (!transposeA && transposeB) return GemmMode.dots;
  if (!transposeB) return GemmMode.inPlaceRows;
  return GemmMode.packed;
}

type GemmExport = (...args: number[]) => void;

/**
 * This package's float32 matrix product (WebAssembly SIMD, `assembly/gemm.ts`) running on the
 * tfjs wasm backend's own heap: it reads both operands where they are and writes the result
 * into a tensor the backend allocated, with no copies and no per-call set-up. XNNPACK, which the
 * backend's `BatchMatMul` uses, packs its right operand into its own layout whenever that operand
 * is a new tensor (every product of a training step), at 7–26 ns per element.
 */
export interface WasmGemm {
  /**
   * `op(a)·op(b)` as the `BatchMatMul` kernel computes it (`[…, m, k]`, batch dimensions
   * equal or one of them 1), or `undefined` for what it does not handle (other dtypes, batch
   * dimensions broadcast some other way): the caller then runs the stock kernel.
   */
  matMul(
    a: TensorInfoLike,
    b: TensorInfoLike,
    transposeA: boolean,
    transposeB: boolean,
  ): TensorInfoLike | undefined;
}

const size = (shape: readonly number[]) => shape.reduce((x, y) => x * y, 1);

/**
 * Instantiates the GEMM on `backend`'s heap (its `WebAssembly.Memory`, imported). Resolves to
 * `undefined` where that is impossible (a backend build whose memory is not exposed, or shared
 * memory in the threaded build): the stock products keep running then.
 */
export function loadWasmGemm(backend: WasmBackendLike): Promise<WasmGemm | undefined> {
  let loading = loaded.get(backend);
  if (!loading) {
    loading = instantiate(backend);
    loaded.set(backend, loading);
  }
  return loading;
}

/** One GEMM per backend instance (activating the backend again reuses it). */
const loaded = new WeakMap<WasmBackendLike, Promise<WasmGemm | undefined>>();

async function instantiate(backend: WasmBackendLike): Promise<WasmGemm | undefined> {
  const exports = await instantiateOnHeap(backend, GEMM_WASM_BASE64);
  if (!exports) return undefined;
  const gemm = exports.gemm as GemmExport;
  // A block of packed B and 32 bytes for a partial row of C; kept for the backend's life.
  const scratch = backend.wasm._malloc(BLOCK * 4 + 64);
  const offset = (t: TensorInfoLike) => backend.dataIdMap.get(t.dataId)!.memoryOffset;
  return {
    matMul(a, b, transposeA, transposeB) {
      if (a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
      if (a.shape.length < 2 || b.shape.length < 2) return undefined;
      const leadA = a.shape.slice(0, -2);
      const leadB = b.shape.slice(0, -2);
      const lead = tf.broadcast_util.assertAndGetBroadcastShape(leadA, leadB);
      const batch = size(lead);
      const ownRows = transposeA ? a.shape.at(-1)! : a.shape.at(-2)!;
      const batchA = size(leadA);
      const batchB = size(leadB);
      // Each side is one matrix or one per output matrix (same order): no partial broadcasts.
      if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return undefined;
      if (batchB === 1 && batch * ownRows <= XNNPACK_MAX_ROWS) return undefined;
      const [ra, ca] = a.shape.slice(-2) as [number, number];
      const [rb, cb] = b.shape.slice(-2) as [number, number];
      const m = transposeA ? ca : ra;
      const k = transposeA ? ra : ca;
      const n = transposeB ? rb : cb;
      if ((transposeB ? cb : rb) !== k) return undefined;
      const out = backend.makeOutput([...lead, m, n], 'float32');
      if (batch * m * n === 0) return out;
      const mode = gemmMode(m, transposeA, transposeB);
      const kc = Math.max(1, Math.min(k, KC));
      const nc = Math.max(8, Math.floor(BLOCK / kc / 8) * 8);
      gemm(
        offset(a),
        offset(b),
        offset(out),
        batch,
        batchA === 1 ? 0 : m * k,
        batchB === 1 ? 0 : k * n,
        m * n,
        m,
        n,
        k,
        transposeA ? 1 : k,
        transposeA ? m : 1,
        transposeB ? 1 : n,
        transposeB ? k : 1,
        mode,
        scratch,
        kc,
        nc,
      );
      return out;
    },
  };
}
