/** The shape of a tensor as the wasm backend's kernels see it. */
export interface TensorInfoLike {
  dataId: object;
  shape: number[];
  dtype: string;
}

/** The parts of the wasm backend our replacement kernels use. */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: string): TensorInfoLike;
  typedArrayFromHeap(t: TensorInfoLike): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object): void;
}

/** A kernel function as registered with `tf.registerKernel`. */
export type KernelFunc = (args: { inputs: object; backend: unknown; attrs: object }) => unknown;
