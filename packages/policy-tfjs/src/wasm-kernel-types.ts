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
  /** Where each tensor lives in the heap and its id on the C++ side. */
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } | undefined };
  /** The next free C++ tensor id. */
  dataIdNextNumber: number;
  wasm: {
    /** The Emscripten module's exports; `memory` is the heap every tensor lives in. */
    asm?: { memory?: object };
    /** Allocates `bytes` on the heap (may grow it); returns the byte offset. */
    _malloc(bytes: number): number;
    /** Frees what `_malloc` returned. */
    _free?(offset: number): void;
    cwrap(name: string, ret: null, args: string[]): (...args: unknown[]) => void;
    tfjs: {
      /** Tells the C++ side that tensor `id` of `size` elements lives at byte `offset`. */
      registerTensor(id: number, size: number, offset: number): void;
      /** Forgets tensor `id` on the C++ side (and what it cached for it); frees nothing. */
      disposeData(id: number): void;
    };
  };
}

/** A kernel function as registered with `tf.registerKernel`. */
export type KernelFunc = (args: { inputs: object; backend: unknown; attrs: object }) => unknown;
