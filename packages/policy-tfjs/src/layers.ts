import * as tf from '@tensorflow/tfjs-core';
import {
  QKV_HEADS,
  RMS_NORM,
  RMS_NORM_GRAD,
  SWIGLU,
  SWIGLU_GRAD,
  trainKernelApplies,
} from './train-kernels.js';

/** RMSNorm's epsilon (the fused decode step uses the same). */
export const RMS_EPS = 1e-6;

/**
 * RMSNorm `x / sqrt(mean(x²) + eps) · w` over the last axis. On the wasm backend one pass of this
 * package's {@link RMS_NORM} kernel each way; elsewhere {@link rmsNormOps}.
 */
export function rmsNorm(x: tf.Tensor, weight: tf.Tensor): tf.Tensor {
  return trainKernelApplies(RMS_NORM, weight.shape[0]!) ? rmsNormKernel(x, weight) : rmsNormOps(x, weight);
}

const rmsNormKernel: (x: tf.Tensor, weight: tf.Tensor) => tf.Tensor = tf.customGrad(((
  x: tf.Tensor,
  weight: tf.Tensor,
  save: tf.GradSaveFunc,
) => {
  save([x, weight]);
  return {
    value: tf.engine().runKernel(RMS_NORM, { x, weight }, { eps: RMS_EPS }) as tf.Tensor,
    gradFunc: (dy: tf.Tensor, [sx, sw]: tf.Tensor[]) =>
      tf.engine().runKernel(RMS_NORM_GRAD, { x: sx!, weight: sw!, dy }, { eps: RMS_EPS }) as tf.Tensor[],
  };
}) as never);

/**
 * {@link rmsNorm} from tfjs ops, with a hand-written gradient (one fused expression instead of
 * the ~10 ops autodiff records): `dx = r·(g·w − x·r²·mean(g·w·x))`, `dw = Σ g·x·r`, where
 * `r = 1/sqrt(mean(x²) + eps)`.
 */
export const rmsNormOps: (x: tf.Tensor, weight: tf.Tensor) => tf.Tensor = tf.customGrad(((
  x: tf.Tensor,
  weight: tf.Tensor,
  save: tf.GradSaveFunc,
) => {
  const r = tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), RMS_EPS));
  save([x, weight, r]);
  return {
    value: tf.mul(tf.mul(x, r), weight),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw, sr] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const gw = tf.mul(dy, sw);
      const dot = tf.mean(tf.mul(gw, sx), -1, true);
      const dx = tf.mul(sr, tf.sub(gw, tf.mul(sx, tf.mul(tf.square(sr), dot))));
      const dwFull = tf.mul(tf.mul(dy, sx), sr);
      const dw = tf.sum(tf.reshape(dwFull, [-1, sw.shape[0]!]), 0);
      return [dx, dw];
    },
  };
}) as never);

/** GELU, exact form `x · Φ(x)` (the wasm backend has `Erf`). */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

/** SiLU `x · σ(x)`. */
export function silu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(x));
}

/**
 * SwiGLU of a fused gate/up projection `gu [..., 2·ffn]` (gate, then up): `silu(gate)·up`,
 * `[..., ffn]`. On the wasm backend one pass of this package's {@link SWIGLU} kernel each way;
 * elsewhere {@link swigluOps}.
 */
export function swiglu(gu: tf.Tensor): tf.Tensor {
  return trainKernelApplies(SWIGLU, gu.shape.at(-1)! / 2) ? swigluKernel(gu) : swigluOps(gu);
}

const swigluKernel: (gu: tf.Tensor) => tf.Tensor = tf.customGrad(((gu: tf.Tensor, save: tf.GradSaveFunc) => {
  save([gu]);
  return {
    value: tf.engine().runKernel(SWIGLU, { gu }, {}) as tf.Tensor,
    gradFunc: (dy: tf.Tensor, [sgu]: tf.Tensor[]) =>
      tf.engine().runKernel(SWIGLU_GRAD, { gu: sgu!, dy }, {}) as tf.Tensor,
  };
}) as never);

/** {@link swiglu} from tfjs ops, on every backend. */
export function swigluOps(gu: tf.Tensor): tf.Tensor {
  const shape = gu.shape;
  const half = shape[shape.length - 1]! / 2;
  const [gate, up] = tf.unstack(tf.reshape(gu, [-1, 2, half]), 1) as [tf.Tensor, tf.Tensor];
  return tf.reshape(tf.mul(silu(gate), up), [...shape.slice(0, -1), half]);
}

/** `[B, T, H·dh] → [B, H, T, dh]`. */
export function splitHeads(x: tf.Tensor, heads: number): tf.Tensor {
  const [b, t, d] = x.shape as [number, number, number];
  return tf.transpose(tf.reshape(x, [b, t, heads, d / heads]), [0, 2, 1, 3]);
}

/**
 * The output of a fused q/k/v projection, `[B, T, 3·H·dh]`, as q, k and v `[B, H, T, dh]`, with
 * the rotary embedding applied to q and k on the way when `rotary` is given (its tables from
 * `rotaryTables(…, { qkv: true })`). One rank-4 transpose and one unstack for all three: the wasm
 * `Transpose` of rank 5 is ~100× slower than rank 4. With rotary tables on the wasm backend, one
 * pass of this package's {@link QKV_HEADS} kernel each way instead (the same bits).
 */
export function splitQkv(
  x: tf.Tensor,
  heads: number,
  rotary?: { cos: tf.Tensor; sin: tf.Tensor; rotate: tf.Tensor2D },
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  if (rotary && trainKernelApplies(QKV_HEADS, x.shape[2]! / 3 / heads)) {
    const { cos, sin } = rotary;
    return tf.engine().runKernel(QKV_HEADS, { x, cos, sin }, { heads }) as unknown as [
      tf.Tensor,
      tf.Tensor,
      tf.Tensor,
    ];
  }
  return splitQkvOps(x, heads, rotary);
}

/** {@link splitQkv} from tfjs ops only, on every backend. */
export function splitQkvOps(
  x: tf.Tensor,
  heads: number,
  rotary?: { cos: tf.Tensor; sin: tf.Tensor; rotate: tf.Tensor2D },
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const [b, t, d3] = x.shape as [number, number, number];
  const dh = d3 / 3 / heads;
  let y = tf.reshape(x, [b * t, 3, heads, dh]);
  if (rotary) y = applyRotary(y, rotary.cos, rotary.sin, rotary.rotate);
  const byHead = tf.transpose(tf.reshape(y, [b, t, 3 * heads, dh]), [0, 2, 1, 3]);
  const [q, k, v] = tf.unstack(tf.reshape(byHead, [b, 3, heads * t * dh]), 1);
  return [q, k, v].map((p) => tf.reshape(p!, [b, heads, t, dh])) as [tf.Tensor, tf.Tensor, tf.Tensor];
}

/**
 * `tf.concat` whose gradient is one `slice` per part. tfjs's own gradient is a `split`, and the
 * wasm `SplitV` copies its whole input out of the heap once per part.
 */
export function concatSliced(parts: tf.Tensor[], axis: number): tf.Tensor {
  const rank = parts[0]!.rank;
  const at = axis < 0 ? axis + rank : axis;
  const f = tf.customGrad(((...args: unknown[]) => {
    const inputs = args.slice(0, parts.length) as tf.Tensor[];
    return {
      value: tf.concat(inputs, at),
      gradFunc: (dy: tf.Tensor) => {
        let offset = 0;
        return inputs.map((p) => {
          const begin = dy.shape.map((_, i) => (i === at ? offset : 0));
          offset += p.shape[at]!;
          return tf.slice(dy, begin, p.shape);
        });
      },
    };
  }) as never) as (...xs: tf.Tensor[]) => tf.Tensor;
  return f(...parts);
}

/** `[B, H, T, dh] → [B, T, H·dh]`. */
export function mergeHeads(x: tf.Tensor): tf.Tensor {
  const [b, h, t, dh] = x.shape as [number, number, number, number];
  return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [b, t, h * dh]);
}

/**
 * Rotary position embedding (LLaMA's "rotate half" form) of `x [..., B, H, T, dh]`:
 * `x·cos + rotateHalf(x)·sin`, with `cos`/`sin` as `[B, 1, T, dh]` for each row's positions.
 * `rotateHalf` is a matMul with a constant signed permutation: the wasm `SplitV` the
 * split-and-concat form needs is slow.
 */
export function applyRotary(x: tf.Tensor, cos: tf.Tensor, sin: tf.Tensor, rotate: tf.Tensor2D): tf.Tensor {
  const dh = x.shape.at(-1)!;
  const rotated = tf.reshape(tf.matMul(tf.reshape(x, [-1, dh]) as tf.Tensor2D, rotate), x.shape);
  return tf.add(tf.mul(x, cos), tf.mul(rotated, sin));
}

/** The `[dh, dh]` matrix R with `x·R = concat(−x₂, x₁)`. */
export function rotateHalfMatrix(headDim: number): tf.Tensor2D {
  const half = headDim / 2;
  const m = new Float32Array(headDim * headDim);
  for (let i = 0; i < half; i++) {
    m[(half + i) * headDim + i] = -1; // out[i] = -x[half + i]
    m[i * headDim + half + i] = 1; // out[half + i] = x[i]
  }
  return tf.tensor2d(m, [headDim, headDim]);
}

/** The rotary embedding's `dh/2` angular frequencies `θ^(−2i/dh)`. */
export function rotaryFrequencies(headDim: number, theta: number): number[] {
  return Array.from({ length: headDim / 2 }, (_, i) => theta ** (-(2 * i) / headDim));
}

/**
 * The cos and sin rows (`dh` each, halves repeated) of position `p` into `cos` and `sin` at
 * `offset`: the one definition {@link rotaryTables} and the fused decode step both use.
 */
export function rotaryRow(
  p: number,
  inv: readonly number[],
  cos: Float32Array,
  sin: Float32Array,
  offset = 0,
): void {
  const half = inv.length;
  for (let i = 0; i < half; i++) {
    cos[offset + i] = cos[offset + i + half] = Math.cos(p * inv[i]!);
    sin[offset + i] = sin[offset + i + half] = Math.sin(p * inv[i]!);
  }
}

/**
 * The rotary tables for `positions [B][T]`, as `[B, 1, T, dh]` cos and sin tensors. With
 * `{ qkv: true }` they are `[B·T, 3, 1, dh]`, for {@link splitQkv}: q and k rotate, v passes
 * unchanged (cos 1, sin 0), so one {@link applyRotary} serves all three.
 */
export function rotaryTables(
  positions: number[][],
  headDim: number,
  theta: number,
  { qkv = false }: { qkv?: boolean } = {},
): { cos: tf.Tensor; sin: tf.Tensor } {
  const b = positions.length;
  const t = positions[0]?.length ?? 0;
  const inv = rotaryFrequencies(headDim, theta);
  // One cos/sin row per distinct position (rows share most positions).
  const rows = new Map<number, [Float32Array, Float32Array]>();
  const rowOf = (p: number): [Float32Array, Float32Array] => {
    let row = rows.get(p);
    if (!row) {
      row = [new Float32Array(headDim), new Float32Array(headDim)];
      rotaryRow(p, inv, row[0], row[1]);
      rows.set(p, row);
    }
    return row;
  };
  // Per position: q's block, then with `qkv` k's block (the same) and v's (cos 1, sin 0).
  const blocks = qkv ? 3 : 1;
  const cos = new Float32Array(b * t * blocks * headDim);
  const sin = new Float32Array(b * t * blocks * headDim);
  for (let r = 0; r < b; r++) {
    for (let j = 0; j < t; j++) {
      const [c, s] = rowOf(positions[r]![j]!);
      const o = (r * t + j) * blocks * headDim;
      cos.set(c, o);
      sin.set(s, o);
      if (qkv) {
        cos.set(c, o + headDim);
        sin.set(s, o + headDim);
        cos.fill(1, o + 2 * headDim, o + 3 * headDim);
      }
    }
  }
  if (!qkv) return { cos: tf.tensor4d(cos, [b, 1, t, headDim]), sin: tf.tensor4d(sin, [b, 1, t, headDim]) };
  return { cos: tf.tensor4d(cos, [b * t, 3, 1, headDim]), sin: tf.tensor4d(sin, [b * t, 3, 1, headDim]) };
}

/**
 * Scaled dot-product attention; `bias [B, 1, Tq, Tk]` is 0 where allowed and −1e9 where masked.
 * `scale` defaults to `1/√dh`; pass 1 for a q that is already scaled (the model folds the scale
 * into its q projection, a `dim²` product instead of a `[B, H, T, T]` one).
 */
export function attention(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  bias: tf.Tensor | undefined,
  scale = 1 / Math.sqrt(q.shape[3]!),
): tf.Tensor {
  let scores = tf.matMul(q as tf.Tensor4D, k as tf.Tensor4D, false, true);
  if (scale !== 1) scores = tf.mul(scores, scale);
  if (bias) scores = tf.add(scores, bias);
  return tf.matMul(tf.softmax(scores), v as tf.Tensor4D);
}

/**
 * One-hot rows as float32. The wasm `OneHot` kernel ignores the `dtype` argument and writes
 * int32 bits into a float32 tensor (1 reads as 1.4e-45), so build int32 and cast.
 */
export function oneHotFloat(ids: number[], depth: number): tf.Tensor2D {
  return tf.cast(tf.oneHot(tf.tensor1d(ids, 'int32'), depth), 'float32') as tf.Tensor2D;
}
