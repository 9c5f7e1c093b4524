import * as tf from '@tensorflow/tfjs-core';
import { TRAIN_WASM_BASE64 } from './train-wasm-bytes.js';
import type { TensorInfoLike, WasmBackendLike } from './wasm-kernel-types.js';
import { instantiateOnHeap } from './wasm-on-heap.js';

/**
 * The kernel that turns a fused q/k/v projection `x [B, T, 3·H·dh]` into q, k and v
 * `[B, H, T, dh]` (three outputs), rotating each block by the rotary tables `cos`/`sin`
 * (`[B·T, 3, 1, dh]`, as `rotaryTables(…, { qkv: true })` makes them) on the way. Composed from
 * tfjs ops this is a rotate-half product, two multiplies, an add, a rank-4 transpose and an unstack
 * (and as many again backward): ~5% of a tiny training step. Here it is one pass each way of
 * `assembly/train.ts` over the wasm heap, rounding as the composed ops do: the same bits.
 */
export const QKV_HEADS = 'RL4VLMQkvHeads';
/** The gradient of {@link QKV_HEADS}: `dq, dk, dv` back to `dx [B, T, 3·H·dh]`. */
export const QKV_HEADS_GRAD = 'RL4VLMQkvHeadsGrad';

/** The exports of `assembly/train.ts` (addresses in bytes, sizes in elements). */
interface TrainKernels {
  qkvToHeads(
    x: number,
    cos: number,
    sin: number,
    q: number,
    k: number,
    v: number,
    b: number,
    t: number,
    heads: number,
    dh: number,
  ): void;
  qkvFromHeads(
    dq: number,
    dk: number,
    dv: number,
    cos: number,
    sin: number,
    dx: number,
    b: number,
    t: number,
    heads: number,
    dh: number,
  ): void;
}

/** Whether `splitQkv` can run as {@link QKV_HEADS} on the active backend for heads of `headDim`. */
export function qkvHeadsKernelApplies(headDim: number): boolean {
  // The kernel works on 4-lane vectors within each half of a head.
  return headDim % 8 === 0 && tf.getKernel(QKV_HEADS, tf.getBackend()) !== undefined;
}

const instances = new WeakMap<WasmBackendLike, Promise<Record<string, unknown> | undefined>>();

/**
 * Registers {@link QKV_HEADS}, its gradient kernel and its gradient for the wasm `backend`, with
 * `assembly/train.ts` instantiated on its heap; where that is impossible (memory not exposed) it
 * registers nothing and `splitQkv` keeps the composed ops.
 */
export async function installQkvHeadsKernel(backend: WasmBackendLike): Promise<void> {
  let loading = instances.get(backend);
  if (!loading) {
    loading = instantiateOnHeap(backend, TRAIN_WASM_BASE64);
    instances.set(backend, loading);
  }
  const exports = (await loading) as unknown as TrainKernels | undefined;
  for (const name of [QKV_HEADS, QKV_HEADS_GRAD]) {
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
  }
  if (!exports) return;
  const at = (t: TensorInfoLike) => backend.dataIdMap.get(t.dataId)!.memoryOffset;
  tf.registerKernel({
    kernelName: QKV_HEADS,
    backendName: 'wasm',
    kernelFunc: (({ inputs, attrs }) => {
      const { x, cos, sin } = inputs as unknown as Record<string, TensorInfoLike>;
      const { heads } = attrs as unknown as { heads: number };
      const [b, t, d3] = x.shape as [number, number, number];
      const dh = d3 / 3 / heads;
      const [q, k, v] = [0, 1, 2].map(() => backend.makeOutput([b, heads, t, dh], 'float32')) as [
        TensorInfoLike,
        TensorInfoLike,
        TensorInfoLike,
      ];
      exports.qkvToHeads(at(x), at(cos), at(sin), at(q), at(k), at(v), b, t, heads, dh);
      return [q, k, v] as never;
    }) as tf.KernelFunc,
  });
  tf.registerKernel({
    kernelName: QKV_HEADS_GRAD,
    backendName: 'wasm',
    kernelFunc: (({ inputs }) => {
      const { dq, dk, dv, cos, sin } = inputs as unknown as Record<string, TensorInfoLike>;
      const [b, heads, t, dh] = dq.shape as [number, number, number, number];
      const dx = backend.makeOutput([b, t, 3 * heads * dh], 'float32');
      exports.qkvFromHeads(at(dq), at(dk), at(dv), at(cos), at(sin), at(dx), b, t, heads, dh);
      return dx as never;
    }) as tf.KernelFunc,
  });
  if (!tf.getGradient(QKV_HEADS)) {
    tf.registerGradient({
      kernelName: QKV_HEADS,
      inputsToSave: ['cos', 'sin'],
      gradFunc: (dy, saved, attrs) => {
        const [dq, dk, dv] = dy as tf.Tensor[];
        const [cos, sin] = saved as [tf.Tensor, tf.Tensor];
        return {
          x: () =>
            tf
              .engine()
              .runKernel(QKV_HEADS_GRAD, { dq: dq!, dk: dk!, dv: dv!, cos, sin }, attrs) as tf.Tensor,
        };
      },
    });
  }
}
