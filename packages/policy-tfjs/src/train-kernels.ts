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

/**
 * RMSNorm `(x·r)·w`, `r = 1/sqrt(mean(x²) + eps)` over the last axis of `x`, as one pass (the
 * composed form is ~10 kernels each way). Float sums in another order than tfjs's reductions:
 * the same values to float tolerance, not the same bits.
 */
export const RMS_NORM = 'RL4VLMRmsNorm';
/** The gradient of {@link RMS_NORM}: `dy` → `dx` and `dw` (two outputs). */
export const RMS_NORM_GRAD = 'RL4VLMRmsNormGrad';
/**
 * SwiGLU of a fused gate/up projection `[..., 2·ffn]` (gate, then up): `silu(g)·u` `[..., ffn]`,
 * as one pass instead of an unstack, a sigmoid and three multiplies (and ~8 kernels backward).
 * Its sigmoid is its own (a polynomial `exp`, ~1 ulp): float tolerance, not the same bits.
 */
export const SWIGLU = 'RL4VLMSwiglu';
/** The gradient of {@link SWIGLU}: `dy [..., ffn]` → `dgu [..., 2·ffn]`. */
export const SWIGLU_GRAD = 'RL4VLMSwigluGrad';

/** The exports of `assembly/train.ts` (addresses in bytes, sizes in elements). */
interface TrainKernels {
  rmsNormForward(x: number, w: number, out: number, rows: number, d: number, eps: number): void;
  rmsNormBackward(
    x: number,
    w: number,
    dy: number,
    dx: number,
    dw: number,
    rows: number,
    d: number,
    eps: number,
  ): void;
  swigluForward(gu: number, out: number, rows: number, ffn: number): void;
  swigluBackward(gu: number, dy: number, dgu: number, rows: number, ffn: number): void;
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

/**
 * Whether `kernel` (one of this file's) runs on the active backend for a last axis of `width`:
 * the kernels work on 4-lane vectors (within each half of a head for {@link QKV_HEADS}).
 */
export function trainKernelApplies(kernel: string, width: number): boolean {
  const lanes = kernel === QKV_HEADS ? 8 : 4;
  return width % lanes === 0 && tf.getKernel(kernel, tf.getBackend()) !== undefined;
}

const instances = new WeakMap<WasmBackendLike, Promise<Record<string, unknown> | undefined>>();

/**
 * Registers this file's kernels (and {@link QKV_HEADS}'s gradient) for the wasm `backend`, with
 * `assembly/train.ts` instantiated on its heap; where that is impossible (memory not exposed) it
 * registers nothing and the layers keep their composed ops.
 */
export async function installTrainKernels(backend: WasmBackendLike): Promise<void> {
  let loading = instances.get(backend);
  if (!loading) {
    loading = instantiateOnHeap(backend, TRAIN_WASM_BASE64);
    instances.set(backend, loading);
  }
  const exports = (await loading) as unknown as TrainKernels | undefined;
  for (const name of [QKV_HEADS, QKV_HEADS_GRAD, RMS_NORM, RMS_NORM_GRAD, SWIGLU, SWIGLU_GRAD]) {
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
  }
  if (!exports) return;
  const at = (t: TensorInfoLike) => backend.dataIdMap.get(t.dataId)!.memoryOffset;
  const register = (
    kernelName: string,
    kernelFunc: (inputs: Record<string, TensorInfoLike>, attrs: Record<string, number>) => unknown,
  ) =>
    tf.registerKernel({
      kernelName,
      backendName: 'wasm',
      kernelFunc: (({ inputs, attrs }) => kernelFunc(inputs as never, attrs as never)) as tf.KernelFunc,
    });
  register(QKV_HEADS, ({ x, cos, sin }, { heads }) => {
    const [b, t, d3] = x!.shape as [number, number, number];
    const dh = d3 / 3 / heads!;
    const [q, k, v] = [0, 1, 2].map(() => backend.makeOutput([b, heads!, t, dh], 'float32')) as [
      TensorInfoLike,
      TensorInfoLike,
      TensorInfoLike,
    ];
    exports.qkvToHeads(at(x!), at(cos!), at(sin!), at(q), at(k), at(v), b, t, heads!, dh);
    return [q, k, v];
  });
  register(QKV_HEADS_GRAD, ({ dq, dk, dv, cos, sin }) => {
    const [b, heads, t, dh] = dq!.shape as [number, number, number, number];
    const dx = backend.makeOutput([b, t, 3 * heads * dh], 'float32');
    exports.qkvFromHeads(at(dq!), at(dk!), at(dv!), at(cos!), at(sin!), at(dx), b, t, heads, dh);
    return dx;
  });
  const size = (t: TensorInfoLike) => t.shape.reduce((a, b) => a * b, 1);
  register(RMS_NORM, ({ x, weight }, { eps }) => {
    const d = weight!.shape[0]!;
    const out = backend.makeOutput(x!.shape, 'float32');
    exports.rmsNormForward(at(x!), at(weight!), at(out), size(x!) / d, d, eps!);
    return out;
  });
  register(RMS_NORM_GRAD, ({ x, weight, dy }, { eps }) => {
    const d = weight!.shape[0]!;
    const dx = backend.makeOutput(x!.shape, 'float32');
    const dw = backend.makeOutput([d], 'float32');
    exports.rmsNormBackward(at(x!), at(weight!), at(dy!), at(dx), at(dw), size(x!) / d, d, eps!);
    return [dx, dw];
  });
  register(SWIGLU, ({ gu }) => {
    const ffn = gu!.shape.at(-1)! / 2;
    const out = backend.makeOutput([...gu!.shape.slice(0, -1), ffn], 'float32');
    exports.swigluForward(at(gu!), at(out), size(out) / ffn, ffn);
    return out;
  });
  register(SWIGLU_GRAD, ({ gu, dy }) => {
    const ffn = gu!.shape.at(-1)! / 2;
    const dgu = backend.makeOutput(gu!.shape, 'float32');
    exports.swigluBackward(at(gu!), at(dy!), at(dgu), size(dy!) / ffn, ffn);
    return dgu;
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
