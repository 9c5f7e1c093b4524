// AssemblyScript source of train.wasm (build: `node scripts/build-gemm.mjs`). Kernels of the
// training step that tfjs composes from several element-wise ops, transposes and products, each
// one pass over the tfjs wasm backend's memory (imported); `src/train-kernels.ts` registers them
// as tfjs kernels with their gradients. Every product and sum is rounded to float32 as the
// composed ops round it, so both give the same bits. Sizes in elements, addresses in bytes.

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
