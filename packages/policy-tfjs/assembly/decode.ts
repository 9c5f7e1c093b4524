// AssemblyScript source of decode.wasm (build: `node scripts/build-gemm.mjs`). The pieces of one
// KV-cached decode step of the LM (one new token per row), each one call over all rows, on the
// tfjs wasm backend's memory (imported): weights are read where the backend keeps them, the
// caller lends every buffer. `src/fused-decode.ts` strings them together; per layer that is ~10
// calls instead of ~50 tfjs kernel launches, whose fixed cost was half of a decode step.
// All sizes are in elements, all addresses in bytes; matrices are row-major float32.

import { gemm } from './gemm';

/** `out[r] = x[r] · rsqrt(mean(x[r]²) + eps) · w` for `rows` rows of `d`: RMSNorm, as layers.ts. */
export function rmsNorm(x: usize, w: usize, out: usize, rows: i32, d: i32, eps: f32): void {
  for (let r: i32 = 0; r < rows; r++) {
    const xr = x + <usize>(r * d) * 4;
    const or = out + <usize>(r * d) * 4;
    let s: f32 = 0;
    for (let i: i32 = 0; i < d; i++) {
      const v = load<f32>(xr + <usize>i * 4);
      s += v * v;
    }
    const inv: f32 = 1 / Mathf.sqrt(s / <f32>d + eps);
    for (let i: i32 = 0; i < d; i++)
      store<f32>(or + <usize>i * 4, load<f32>(xr + <usize>i * 4) * inv * load<f32>(w + <usize>i * 4));
  }
}

/**
 * `c = a · b` for `a` `[m, k]` and a row-major weight `b` `[k, n]` (`bTransposed`: `b` is
 * `[n, k]`, the tied token table read as the output projection). `tmp`: 32 bytes of scratch.
 */
export function product(
  a: usize,
  b: usize,
  c: usize,
  m: i32,
  n: i32,
  k: i32,
  bTransposed: bool,
  tmp: usize,
): void {
  if (bTransposed) gemm(a, b, c, 1, 0, 0, 0, m, n, k, k, 1, 1, k, 2, tmp, 0, 0);
  else gemm(a, b, c, 1, 0, 0, 0, m, n, k, k, 1, n, 1, 1, tmp, 0, 0);
}

/**
 * Splits the fused projection `qkv [rows, 3·H·dh]` (q already scaled) of one new token per row:
 * rotates q and k by the row's `cos`/`sin` `[rows, dh]` (rotate-half form: `x·cos + (−x₂, x₁)·sin`),
 * writes q to `q [rows, H·dh]` and k, v into slot `slot` of the caches `[rows, H, tmax, dh]`.
 */
export function rotateIntoCache(
  qkv: usize,
  cos: usize,
  sin: usize,
  q: usize,
  kCache: usize,
  vCache: usize,
  rows: i32,
  heads: i32,
  dh: i32,
  slot: i32,
  tmax: i32,
): void {
  const half = dh >> 1;
  const width = heads * dh;
  for (let r: i32 = 0; r < rows; r++) {
    const src = qkv + <usize>(r * 3 * width) * 4;
    const cr = cos + <usize>(r * dh) * 4;
    const sr = sin + <usize>(r * dh) * 4;
    for (let h: i32 = 0; h < heads; h++) {
      const qs = src + <usize>(h * dh) * 4;
      const ks = qs + <usize>width * 4;
      const vs = ks + <usize>width * 4;
      const qd = q + <usize>(r * width + h * dh) * 4;
      const at = <usize>(((r * heads + h) * tmax + slot) * dh) * 4;
      const kd = kCache + at;
      const vd = vCache + at;
      for (let i: i32 = 0; i < dh; i++) {
        const c = load<f32>(cr + <usize>i * 4);
        const s = load<f32>(sr + <usize>i * 4);
        const partner: i32 = i < half ? i + half : i - half;
        const sign: f32 = i < half ? -1 : 1;
        const qi = load<f32>(qs + <usize>i * 4);
        const ki = load<f32>(ks + <usize>i * 4);
        store<f32>(qd + <usize>i * 4, qi * c + sign * load<f32>(qs + <usize>partner * 4) * s);
        store<f32>(kd + <usize>i * 4, ki * c + sign * load<f32>(ks + <usize>partner * 4) * s);
        store<f32>(vd + <usize>i * 4, load<f32>(vs + <usize>i * 4));
      }
    }
  }
}

/**
 * Attention of one query per (row, head) over the cache slots `0 .. len-1` that `real [rows, tmax]`
 * (one byte per slot) marks: `out [rows, H·dh]` (heads side by side, as mergeHeads). Masked slots
 * are skipped, which equals the tfjs path's −1e9 bias (its exp underflows to exactly 0).
 * `scores`: `len` floats of scratch.
 */
export function attend(
  q: usize,
  kCache: usize,
  vCache: usize,
  real: usize,
  out: usize,
  scores: usize,
  rows: i32,
  heads: i32,
  dh: i32,
  len: i32,
  tmax: i32,
): void {
  const width = heads * dh;
  for (let r: i32 = 0; r < rows; r++) {
    const mask = real + <usize>(r * tmax);
    for (let h: i32 = 0; h < heads; h++) {
      const qh = q + <usize>(r * width + h * dh) * 4;
      const base = <usize>((r * heads + h) * tmax * dh) * 4;
      const kh = kCache + base;
      const vh = vCache + base;
      let max: f32 = -Infinity;
      for (let t: i32 = 0; t < len; t++) {
        if (load<u8>(mask + <usize>t) === 0) continue;
        const kt = kh + <usize>(t * dh) * 4;
        let acc = f32x4.splat(0);
        let i: i32 = 0;
        for (; i + 4 <= dh; i += 4)
          acc = f32x4.add(acc, f32x4.mul(v128.load(qh + <usize>i * 4), v128.load(kt + <usize>i * 4)));
        let s: f32 =
          f32x4.extract_lane(acc, 0) +
          f32x4.extract_lane(acc, 1) +
          f32x4.extract_lane(acc, 2) +
          f32x4.extract_lane(acc, 3);
        for (; i < dh; i++) s += load<f32>(qh + <usize>i * 4) * load<f32>(kt + <usize>i * 4);
        store<f32>(scores + <usize>t * 4, s);
        if (s > max) max = s;
      }
      let sum: f32 = 0;
      for (let t: i32 = 0; t < len; t++) {
        if (load<u8>(mask + <usize>t) === 0) continue;
        const e = Mathf.exp(load<f32>(scores + <usize>t * 4) - max);
        store<f32>(scores + <usize>t * 4, e);
        sum += e;
      }
      const oh = out + <usize>(r * width + h * dh) * 4;
      for (let i: i32 = 0; i < dh; i++) store<f32>(oh + <usize>i * 4, 0);
      for (let t: i32 = 0; t < len; t++) {
        if (load<u8>(mask + <usize>t) === 0) continue;
        const p = f32x4.splat(load<f32>(scores + <usize>t * 4) / sum);
        const vt = vh + <usize>(t * dh) * 4;
        let i: i32 = 0;
        for (; i + 4 <= dh; i += 4)
          v128.store(
            oh + <usize>i * 4,
            f32x4.add(v128.load(oh + <usize>i * 4), f32x4.mul(p, v128.load(vt + <usize>i * 4))),
          );
        const ps = load<f32>(scores + <usize>t * 4) / sum;
        for (; i < dh; i++)
          store<f32>(oh + <usize>i * 4, load<f32>(oh + <usize>i * 4) + ps * load<f32>(vt + <usize>i * 4));
      }
    }
  }
}

/** `x += y`, `n` floats: a residual connection. */
export function addInto(x: usize, y: usize, n: i32): void {
  let i: i32 = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i * 4;
    v128.store(x + at, f32x4.add(v128.load(x + at), v128.load(y + at)));
  }
  for (; i < n; i++) store<f32>(x + <usize>i * 4, load<f32>(x + <usize>i * 4) + load<f32>(y + <usize>i * 4));
}

/** SwiGLU of the fused gate/up projection `gu [rows, 2·ffn]`: `out [rows, ffn] = silu(gate) · up`. */
export function swiglu(gu: usize, out: usize, rows: i32, ffn: i32): void {
  for (let r: i32 = 0; r < rows; r++) {
    const g = gu + <usize>(r * 2 * ffn) * 4;
    const u = g + <usize>ffn * 4;
    const o = out + <usize>(r * ffn) * 4;
    for (let i: i32 = 0; i < ffn; i++) {
      const x = load<f32>(g + <usize>i * 4);
      const sigmoid: f32 = 1 / (1 + Mathf.exp(-x));
      store<f32>(o + <usize>i * 4, x * sigmoid * load<f32>(u + <usize>i * 4));
    }
  }
}

/** Copies row `ids[r]` (int32) of `table [*, d]` to `out[r]`: the new tokens' embeddings. */
export function embed(table: usize, ids: usize, out: usize, rows: i32, d: i32): void {
  for (let r: i32 = 0; r < rows; r++) {
    const src = table + <usize>(load<i32>(ids + <usize>r * 4) * d) * 4;
    const dst = out + <usize>(r * d) * 4;
    for (let i: i32 = 0; i < d; i += 1) store<f32>(dst + <usize>i * 4, load<f32>(src + <usize>i * 4));
  }
}

/**
 * Copies `blocks` runs of `run` floats from `src` (contiguous) to `dst`, one every `stride`
 * floats: a prefill's keys `[rows, H, T, dh]` into a cache `[rows, H, tmax, dh]`.
 */
export function copyStrided(src: usize, dst: usize, blocks: i32, run: i32, stride: i32): void {
  for (let b: i32 = 0; b < blocks; b++) {
    const s = src + <usize>(b * run) * 4;
    const d = dst + <usize>(b * stride) * 4;
    for (let i: i32 = 0; i < run; i++) store<f32>(d + <usize>i * 4, load<f32>(s + <usize>i * 4));
  }
}
