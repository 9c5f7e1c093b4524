import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfoLike } from './wasm-kernel-types.js';

let installed = false;

/**
 * Re-registers the wasm `Identity` kernel to share its input's memory (one more reference, as
 * the wasm `Reshape` and the cpu backend's `Identity` do) instead of copying it. While a
 * gradient tape records, tfjs clones every tensor a kernel saves for its backward pass, and
 * each clone is an `Identity`: the copying kernel took ~20% of a `tiny` training step
 * (343 copies, up to `[16, 4, 173, 173]` each). Tensors are immutable and no wasm kernel
 * writes into its input, so sharing is safe.
 */
export function installWasmIdentityFix(): void {
  if (installed) return;
  if (!tf.getKernel('Identity', 'wasm')) return;
  installed = true;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: (({ inputs, backend }) => {
      const { x } = inputs as unknown as { x: TensorInfoLike };
      (backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    }) as tf.KernelFunc,
  });
}
