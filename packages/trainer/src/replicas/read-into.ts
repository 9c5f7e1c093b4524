import * as tf from '@tensorflow/tfjs-core';

/** The parts of the wasm backend that hold a tensor's values (not in tfjs's public types). */
interface WasmHeapBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
}

function wasmHeapOf(backend: unknown): WasmHeapBackend | undefined {
  const b = backend as Partial<WasmHeapBackend> | undefined;
  return b?.wasm?.HEAPU8 instanceof Uint8Array && typeof b.dataIdMap?.get === 'function'
    ? (b as WasmHeapBackend)
    : undefined;
}

/**
 * Copies a float32 tensor's values into `dest` (which must hold exactly `tensor.size` values).
 *
 * Why not `dataSync()`: it allocates a fresh array per read, and for the multi-megabyte
 * gradients a step moves (2.5 MB for `tiny`) those allocations cost more than the copy, through
 * the garbage collections they set off (3–8 CPU-ms per read against 0.1 ms for a copy into a
 * buffer kept between steps). On the wasm backend the values are read straight from its heap;
 * other backends go through `dataSync()`.
 */
export function readInto(tensor: tf.Tensor, dest: Float32Array): Float32Array {
  if (tensor.dtype !== 'float32') throw new TypeError(`readInto reads float32 tensors, got ${tensor.dtype}`);
  if (dest.length !== tensor.size)
    throw new RangeError(`readInto: the tensor has ${tensor.size} values, the destination ${dest.length}`);
  const wasm = wasmHeapOf(tf.backend());
  const at = wasm?.dataIdMap.get(tensor.dataId)?.memoryOffset;
  if (wasm && at !== undefined) {
    dest.set(new Float32Array(wasm.wasm.HEAPU8.buffer, at, tensor.size));
  } else {
    dest.set(tensor.dataSync() as Float32Array);
  }
  return dest;
}

/**
 * Float32 buffers of one size, kept between calls and handed out in order: the gradient of the
 * `i`-th chunk of a call goes into buffer `i`, so steady-state steps allocate nothing.
 */
export class ReusedBuffers {
  private readonly buffers: Float32Array[] = [];
  constructor(private readonly size: number) {}

  /** Buffer `i` (made on first use). */
  at(i: number): Float32Array {
    while (this.buffers.length <= i) this.buffers.push(new Float32Array(this.size));
    return this.buffers[i]!;
  }
}

/**
 * One flat gradient (in variable order, as `flattenGradients` lays it out) as one tensor per
 * variable, each a copy of its part of `values` made now (so `values` may be overwritten after):
 * the wasm backend copies into its heap on creation, other backends (cpu, webgl) may keep the
 * array itself, so they are given copies. Clipping norms are then summed per variable, as they
 * always were, so a run's bits do not depend on the gradient having travelled flat.
 */
export function tensorsOfCopy(values: Float32Array, variables: readonly tf.Variable[]): tf.Tensor[] {
  const copies = !wasmHeapOf(tf.backend());
  let at = 0;
  return variables.map((v) => {
    const part = values.subarray(at, at + v.size);
    at += v.size;
    return tf.tensor(copies ? part.slice() : part, v.shape, 'float32');
  });
}
