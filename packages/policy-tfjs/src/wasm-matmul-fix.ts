import * as tf from '@tensorflow/tfjs-core';

let installed = false;

interface TensorInfoLike {
  dataId: object;
  shape: number[];
  dtype: string;
}

/**
 * The wasm backend's `BatchMatMul` with `transposeA`/`transposeB` runs ~10× slower than without
 * (platform.md). Re-register it to transpose the operand first, then multiply untransposed.
 * Every matMul gradient uses transposes, so this speeds up backward passes most.
 */
export function installWasmMatMulFix(): void {
  if (installed) return;
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!original || !transpose) return;
  installed = true;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    disposeFunc: original.disposeFunc,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) return original.kernelFunc({ inputs, backend, attrs });
      const swapLast = (x: TensorInfoLike): TensorInfoLike => {
        const perm = x.shape.map((_, i) => i);
        const n = perm.length;
        [perm[n - 2], perm[n - 1]] = [perm[n - 1]!, perm[n - 2]!];
        return transpose.kernelFunc({ inputs: { x } as never, backend, attrs: { perm } }) as TensorInfoLike;
      };
      const a = transposeA ? swapLast(inputs.a as TensorInfoLike) : (inputs.a as TensorInfoLike);
      const b = transposeB ? swapLast(inputs.b as TensorInfoLike) : (inputs.b as TensorInfoLike);
      const out = original.kernelFunc({
        inputs: { a, b } as never,
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
      const disposer = backend as unknown as { disposeData(id: object): void };
      if (transposeA) disposer.disposeData(a.dataId);
      if (transposeB) disposer.disposeData(b.dataId);
      return out;
    },
  });
}
