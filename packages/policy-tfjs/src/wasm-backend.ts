import * as tf from '@tensorflow/tfjs-core';
import { loadWasmGemm } from './wasm-gemm.js';
import { installWasmIdentityFix } from './wasm-identity-fix.js';
import type { WasmBackendLike } from './wasm-kernel-types.js';
import { installWasmMatMulFix } from './wasm-matmul-fix.js';
import { installWasmSliceFix } from './wasm-slice-fix.js';

/**
 * Switches tfjs to its wasm backend and installs this package's fixes for it (matrix products on
 * this package's own WebAssembly GEMM, slice, identity). Node and the browser only differ in where
 * the `.wasm` files are found (the caller points the loader at them with `setWasmPaths` first) and
 * in who may turn the GEMM off: Node reads `RL4VLM_WASM_GEMM=0`, a page never reads `process.env`.
 * @param options.gemm - false keeps the backend's XNNPACK products instead of the GEMM, e.g. to compare the two.
 * @returns whether the wasm backend is active.
 */
export async function activateWasm({ gemm: useGemm = true }: { gemm?: boolean } = {}): Promise<boolean> {
  const ok = await tf.setBackend('wasm');
  if (ok) {
    const gemm = useGemm ? await loadWasmGemm(tf.backend() as unknown as WasmBackendLike) : undefined;
    installWasmMatMulFix(gemm);
    installWasmSliceFix();
    installWasmIdentityFix();
  }
  return ok;
}
