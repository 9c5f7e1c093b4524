import * as tf from '@tensorflow/tfjs-core';
import { installWasmIdentityFix } from './wasm-identity-fix.js';
import { installWasmMatMulFix } from './wasm-matmul-fix.js';
import { installWasmSliceFix } from './wasm-slice-fix.js';

/**
 * Switches tfjs to its wasm backend and installs this package's fixes for it (batched matMul,
 * slice, identity). Node and the browser only differ in where the `.wasm` files are found: the
 * caller points the loader at them (`setWasmPaths`) first.
 * @returns whether the wasm backend is active.
 */
export async function activateWasm(): Promise<boolean> {
  const ok = await tf.setBackend('wasm');
  if (ok) {
    installWasmMatMulFix();
    installWasmSliceFix();
    installWasmIdentityFix();
  }
  return ok;
}
