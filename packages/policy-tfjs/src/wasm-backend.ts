import * as tf from '@tensorflow/tfjs-core';
import { loadWasmGemm } from './wasm-gemm.js';
import { installWasmIdentityFix } from './wasm-identity-fix.js';
import type { WasmBackendLike } from './wasm-kernel-types.js';
import { installWasmMatMulFix } from './wasm-matmul-fix.js';
import { installWasmSliceFix } from './wasm-slice-fix.js';

/**
 * Switches tfjs to its wasm backend and installs this package's fixes for it (matrix products on
 * this package's own WebAssembly GEMM, slice, identity). `RL4VLM_WASM_GEMM=0` (Node) keeps the
 * backend's XNNPACK products instead of the GEMM, e.g. to compare the two. Node and the browser only differ in where the `.wasm` files are found: the
 * caller points the loader at them (`setWasmPaths`) first.
 * @returns whether the wasm backend is active.
 */
export async function activateWasm(): Promise<boolean> {
  const ok = await tf.setBackend('wasm');
  if (ok) {
    const off = typeof process !== 'undefined' && process.env?.RL4VLM_WASM_GEMM === '0';
    const gemm = off ? undefined : await loadWasmGemm(tf.backend() as unknown as WasmBackendLike);
    installWasmMatMulFix(gemm);
    installWasmSliceFix();
    installWasmIdentityFix();
  }
  return ok;
}
