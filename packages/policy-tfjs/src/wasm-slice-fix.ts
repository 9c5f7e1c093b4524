import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfoLike, WasmBackendLike } from './wasm-kernel-types.js';

let installed = false;

/** Copies the box `begin + size` of a row-major `x` of `shape` into `out`, innermost runs at once. */
function copyBox(
  x: Float32Array | Int32Array | Uint8Array,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  out: Float32Array | Int32Array | Uint8Array,
): void {
  const rank = shape.length;
  if (rank === 0) {
    out.set(x.subarray(0, 1));
    return;
  }
  const strides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1]! * shape[d + 1]!;
  // Merge trailing axes copied whole into one contiguous run.
  let inner = rank - 1;
  let run = size[inner]!;
  while (inner > 0 && size[inner] === shape[inner] && begin[inner] === 0) {
    inner--;
    run *= size[inner]!;
  }
  const outer = size.slice(0, inner);
  const index = new Array<number>(inner).fill(0);
  let offsetOut = 0;
  const total = outer.reduce((a, b) => a * b, 1);
  for (let n = 0; n < total; n++) {
    let src = begin[inner]! * strides[inner]!;
    for (let d = 0; d < inner; d++) src += (begin[d]! + index[d]!) * strides[d]!;
    out.set(x.subarray(src, src + run), offsetOut);
    offsetOut += run;
    for (let d = inner - 1; d >= 0; d--) {
      if (++index[d]! < outer[d]!) break;
      index[d] = 0;
    }
  }
}

/**
 * Re-registers the wasm `Slice` and `Unpack` kernels. The stock `Slice` copies its **whole input**
 * out of the wasm heap (`readSync`) before taking the slice, so every slice of a big tensor costs
 * as much as the tensor, and `unstack` of n rows costs n times that (64 rows of a `[64, 217, 32]`
 * tensor: 85 ms). These read the heap in place.
 */
export function installWasmSliceFix(): void {
  if (installed) return;
  const slice = tf.getKernel('Slice', 'wasm');
  const unpack = tf.getKernel('Unpack', 'wasm');
  if (!slice || !unpack) return;
  installed = true;
  const stockSlice = slice.kernelFunc as unknown as KernelFunc;
  const sliceHeap = (x: TensorInfoLike, begin: number[], size: number[], backend: unknown) => {
    const wasm = backend as WasmBackendLike;
    const out = wasm.makeOutput(size, x.dtype);
    if (size.some((s) => s === 0)) return out;
    // Both views after the allocation: a heap growth detaches older ones.
    copyBox(wasm.typedArrayFromHeap(x), x.shape, begin, size, wasm.typedArrayFromHeap(out));
    return out;
  };
  tf.unregisterKernel('Slice', 'wasm');
  tf.registerKernel({
    kernelName: 'Slice',
    backendName: 'wasm',
    kernelFunc: (({ inputs, backend, attrs = {} }) => {
      const { x } = inputs as unknown as { x: TensorInfoLike };
      if (x.dtype === 'string') return stockSlice({ inputs, backend, attrs }) as TensorInfoLike;
      const { begin, size } = attrs as unknown as { begin: number[]; size: number[] };
      const [b, s] = tf.slice_util.parseSliceParams(x as unknown as tf.TensorInfo, begin, size);
      return sliceHeap(x, b, s, backend);
    }) as tf.KernelFunc,
  });
  tf.unregisterKernel('Unpack', 'wasm');
  tf.registerKernel({
    kernelName: 'Unpack',
    backendName: 'wasm',
    kernelFunc: (({ inputs, backend, attrs = {} }) => {
      const { value } = inputs as unknown as { value: TensorInfoLike };
      let { axis } = attrs as unknown as { axis: number };
      if (axis < 0) axis += value.shape.length;
      const outShape = value.shape.filter((_, i) => i !== axis);
      const begin = value.shape.map(() => 0);
      const size = [...value.shape];
      size[axis] = 1;
      const outs: TensorInfoLike[] = [];
      for (let i = 0; i < value.shape[axis]!; i++) {
        begin[axis] = i;
        const out = sliceHeap(value, [...begin], size, backend);
        outs.push({ dataId: out.dataId, dtype: out.dtype, shape: outShape });
      }
      return outs as never;
    }) as tf.KernelFunc,
  });
}
