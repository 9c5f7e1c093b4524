// AssemblyScript source of train.wasm (build: `node scripts/build-gemm.mjs`). Kernels of the
// training step that tfjs composes from several element-wise ops, transposes and products, each
// one pass over the tfjs wasm backend's memory (imported); `src/train-kernels.ts` registers them
// as tfjs kernels with their gradients. The q/k/v kernels round every product and sum as the
// composed ops do (the same bits); RMSNorm and SwiGLU sum and exponentiate in their own order
// (float tolerance). Sizes in elements, addresses in bytes.

/**
 * The fused q/k/v projection `x [B·T, 3, H, dh]` → `q, k, v [B, H, T, dh]`, each block rotated
 * by its rotary tables `cos, sin [B·T, 3, dh]` (LLaMA's rotate-half form, halves of `dh`):
 * `y₁ = x₁·c₁ − x₂·s₁`, `y₂ = x₂·c₂ + x₁·s₂`. `dh/2` must be a multiple of 4.
 */
export function qkvToHeads(
  x: usize,
  cos: usize,
  sin: usize,
  q: usize,
  k: usize,
  v: usize,
  b: i32,
  t: i32,
  heads: i32,
  dh: i32,
): void {
  const half = dh >> 1;
  for (let r: i32 = 0; r < b; r++) {
    for (let j: i32 = 0; j < t; j++) {
      const row = r * t + j;
      for (let p: i32 = 0; p < 3; p++) {
        const out = p === 0 ? q : p === 1 ? k : v;
        const table = <usize>((row * 3 + p) * dh) * 4;
        for (let g: i32 = 0; g < heads; g++) {
          const from = x + <usize>(((row * 3 + p) * heads + g) * dh) * 4;
          const to = out + <usize>(((r * heads + g) * t + j) * dh) * 4;
          for (let i: i32 = 0; i < half; i += 4) {
            const o = <usize>i * 4;
            const h = <usize>(half + i) * 4;
            const x1 = v128.load(from + o);
            const x2 = v128.load(from + h);
            const c1 = v128.load(cos + table + o);
            const c2 = v128.load(cos + table + h);
            const s1 = v128.load(sin + table + o);
            const s2 = v128.load(sin + table + h);
            v128.store(to + o, f32x4.sub(f32x4.mul(x1, c1), f32x4.mul(x2, s1)));
            v128.store(to + h, f32x4.add(f32x4.mul(x2, c2), f32x4.mul(x1, s2)));
          }
        }
      }
    }
  }
}

/**
 * The gradient of {@link qkvToHeads}: `dq, dk, dv [B, H, T, dh]` → `dx [B·T, 3, H, dh]`, the
 * transposed rotation `dx₁ = d₁·c₁ + d₂·s₂`, `dx₂ = d₂·c₂ − d₁·s₁`.
 */
export function qkvFromHeads(
  dq: usize,
  dk: usize,
  dv: usize,
  cos: usize,
  sin: usize,
  dx: usize,
  b: i32,
  t: i32,
  heads: i32,
  dh: i32,
): void {
  const half = dh >> 1;
  for (let r: i32 = 0; r < b; r++) {
    for (let j: i32 = 0; j < t; j++) {
      const row = r * t + j;
      for (let p: i32 = 0; p < 3; p++) {
        const d = p === 0 ? dq : p === 1 ? dk : dv;
        const table = <usize>((row * 3 + p) * dh) * 4;
        for (let g: i32 = 0; g < heads; g++) {
          const to = dx + <usize>(((row * 3 + p) * heads + g) * dh) * 4;
          const from = d + <usize>(((r * heads + g) * t + j) * dh) * 4;
          for (let i: i32 = 0; i < half; i += 4) {
            const o = <usize>i * 4;
            const h = <usize>(half + i) * 4;
            const d1 = v128.load(from + o);
            const d2 = v128.load(from + h);
            const c1 = v128.load(cos + table + o);
            const c2 = v128.load(cos + table + h);
            const s1 = v128.load(sin + table + o);
            const s2 = v128.load(sin + table + h);
            v128.store(to + o, f32x4.add(f32x4.mul(d1, c1), f32x4.mul(d2, s2)));
            v128.store(to + h, f32x4.sub(f32x4.mul(d2, c2), f32x4.mul(d1, s1)));
          }
        }
      }
    }
  }
}

/** `e^x` per lane (Cephes' expf: range reduction by ln 2, degree-6 polynomial; ~1 ulp). */
function expV(v: v128): v128 {
  // Clamped so that 2ⁿ stays a normal float.
  const x = f32x4.max(f32x4.min(v, f32x4.splat(88.0)), f32x4.splat(-87.0));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(Mathf.LOG2E)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.1219444e-4)));
  let p = f32x4.splat(1.98756915e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

/** `σ(x) = 1 / (1 + e^−x)` per lane. */
function sigmoidV(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, expV(f32x4.neg(x))));
}

/**
 * SwiGLU of a fused gate/up projection `gu [rows, 2·ffn]` (gate, then up, in each row):
 * `out [rows, ffn] = (g·σ(g))·u`. `ffn` must be a multiple of 4.
 */
export function swigluForward(gu: usize, out: usize, rows: i32, ffn: i32): void {
  for (let r: i32 = 0; r < rows; r++) {
    const g = gu + <usize>(r * 2 * ffn) * 4;
    const u = g + <usize>ffn * 4;
    const o = out + <usize>(r * ffn) * 4;
    for (let i: i32 = 0; i < ffn; i += 4) {
      const at = <usize>i * 4;
      const gv = v128.load(g + at);
      v128.store(o + at, f32x4.mul(f32x4.mul(gv, sigmoidV(gv)), v128.load(u + at)));
    }
  }
}

/**
 * The gradient of {@link swigluForward}: `dy [rows, ffn]` → `dgu [rows, 2·ffn]` with
 * `dg = dy·u·(σ + g·σ·(1 − σ))` and `du = dy·g·σ`.
 */
export function swigluBackward(gu: usize, dy: usize, dgu: usize, rows: i32, ffn: i32): void {
  const one = f32x4.splat(1);
  for (let r: i32 = 0; r < rows; r++) {
    const g = gu + <usize>(r * 2 * ffn) * 4;
    const u = g + <usize>ffn * 4;
    const d = dy + <usize>(r * ffn) * 4;
    const dg = dgu + <usize>(r * 2 * ffn) * 4;
    const du = dg + <usize>ffn * 4;
    for (let i: i32 = 0; i < ffn; i += 4) {
      const at = <usize>i * 4;
      const gv = v128.load(g + at);
      const s = sigmoidV(gv);
      const dv = v128.load(d + at);
      const ds = f32x4.mul(dv, v128.load(u + at));
      const slope = f32x4.add(s, f32x4.mul(f32x4.mul(gv, s), f32x4.sub(one, s)));
      v128.store(dg + at, f32x4.mul(ds, slope));
      v128.store(du + at, f32x4.mul(dv, f32x4.mul(gv, s)));
    }
  }
}

/** The sum of a vector's four lanes. */
function lanes(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3)
  );
}

/** `1 / sqrt(mean(x²) + eps)` of the `d` values at `x`. */
function inverseRms(x: usize, d: i32, eps: f32): f32 {
  let acc = f32x4.splat(0);
  for (let i: i32 = 0; i < d; i += 4) {
    const v = v128.load(x + <usize>i * 4);
    acc = f32x4.add(acc, f32x4.mul(v, v));
  }
  return 1 / Mathf.sqrt(lanes(acc) / <f32>d + eps);
}

/** RMSNorm `out = (x·r)·w`, `r = 1/sqrt(mean(x²) + eps)` per row of `d` (a multiple of 4). */
export function rmsNormForward(x: usize, w: usize, out: usize, rows: i32, d: i32, eps: f32): void {
  for (let r: i32 = 0; r < rows; r++) {
    const xr = x + <usize>(r * d) * 4;
    const or = out + <usize>(r * d) * 4;
    const inv = f32x4.splat(inverseRms(xr, d, eps));
    for (let i: i32 = 0; i < d; i += 4) {
      const at = <usize>i * 4;
      v128.store(or + at, f32x4.mul(f32x4.mul(v128.load(xr + at), inv), v128.load(w + at)));
    }
  }
}

/**
 * The gradient of {@link rmsNormForward}: `dx = r·(g − x·r²·mean(g·x))` with `g = dy·w`, and
 * `dw = Σ_rows dy·x·r` (written over `dw`, summed in row order).
 */
export function rmsNormBackward(
  x: usize,
  w: usize,
  dy: usize,
  dx: usize,
  dw: usize,
  rows: i32,
  d: i32,
  eps: f32,
): void {
  for (let i: i32 = 0; i < d; i += 4) v128.store(dw + <usize>i * 4, f32x4.splat(0));
  for (let r: i32 = 0; r < rows; r++) {
    const xr = x + <usize>(r * d) * 4;
    const dr = dy + <usize>(r * d) * 4;
    const or = dx + <usize>(r * d) * 4;
    const inv = inverseRms(xr, d, eps);
    let acc = f32x4.splat(0);
    for (let i: i32 = 0; i < d; i += 4) {
      const at = <usize>i * 4;
      acc = f32x4.add(acc, f32x4.mul(f32x4.mul(v128.load(dr + at), v128.load(w + at)), v128.load(xr + at)));
    }
    const k = f32x4.splat(inv * inv * (lanes(acc) / <f32>d));
    const iv = f32x4.splat(inv);
    for (let i: i32 = 0; i < d; i += 4) {
      const at = <usize>i * 4;
      const xv = v128.load(xr + at);
      const dv = v128.load(dr + at);
      const g = f32x4.mul(dv, v128.load(w + at));
      v128.store(or + at, f32x4.mul(iv, f32x4.sub(g, f32x4.mul(xv, k))));
      v128.store(dw + at, f32x4.add(v128.load(dw + at), f32x4.mul(f32x4.mul(dv, xv), iv)));
    }
  }
}
