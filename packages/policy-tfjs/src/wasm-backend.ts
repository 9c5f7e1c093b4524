import * as tf from '@tensorflow/tfjs-core';
import { installFusedDecode } from './fused-decode.js';
import { installTrainKernels } from './train-kernels.js';
import { loadWasmGemm } from './wasm-gemm.js';
import { installWasmIdentityFix } from './wasm-identity-fix.js';
import type { WasmBackendLike } from './wasm-kernel-types.js';
import { installWasmMatMulFix } from './wasm-matmul-fix.js';
import { installWasmSliceFix } from './wasm-slice-fix.js';

/**
 * Switches tfjs to its wasm backend and installs this package's fixes for it (matrix products on
 * this package's own WebAssembly GEMM, slice, identity) and its training-step kernels. Node and the browser only differ in where
 * the `.wasm` files are found (the caller points the loader at them with `setWasmPaths` first) and
 * in who may turn the GEMM off: Node reads `RL4VLM_WASM_GEMM=0` (and `RL4VLM_FUSED_DECODE=0`), a page
 * never reads `process.env`.
 * @param options.gemm - false keeps the backend's XNNPACK products instead of the GEMM (and every
 *   decode step on tfjs kernels instead of the fused one), e.g. to compare the two.
 * @param options.fusedDecode - false runs every KV-cached decode step on tfjs kernels (Node:
 *   `RL4VLM_FUSED_DECODE=0`).
 * @returns whether the wasm backend is active.
 */
export async function activateWasm({
  gemm: useGemm = true,
  fusedDecode = true,
}: {
  gemm?: boolean;
  fusedDecode?: boolean;
} = {}): Promise<boolean> {
  const ok = await tf.setBackend('wasm');
  if (ok) {
    const backend = tf.backend() as unknown as WasmBackendLike;
    const gemm = useGemm ? await loadWasmGemm(backend) : undefined;
    installWasmMatMulFix(gemm);
    // The fused decode step reuses the GEMM's loops: one switch turns both off.
    await installFusedDecode(gemm && fusedDecode ? backend : undefined);
    installWasmSliceFix();
    installWasmIdentityFix();
    await installTrainKernels(backend);
  }
  return ok;
}
