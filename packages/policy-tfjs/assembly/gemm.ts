// AssemblyScript source of gemm.wasm (build: `node scripts/build-gemm.mjs`). A float32 matrix
// product with WebAssembly SIMD that reads both operands where they are, in the memory of the
// tfjs wasm backend (imported, so no copies): `C[b] = op(A[b]) · op(B[b])` for every batch
// element, any transposes, as strides. It uses no memory of its own; the caller lends scratch.
//
// Element (i, k) of op(A) is at `a + 4·(i·aRow + k·aCol)`, element (k, j) of op(B) at
// `b + 4·(k·bRow + j·bCol)`, and C is row-major with row stride `ldc` (all strides in elements).

/** Columns of C one micro-kernel call writes: two SIMD vectors. */
const NR: i32 = 8;

/**
 * Copies the block `B(k0 .. k0+kc, j0 .. j0+nc)` into `dst` as panels of NR columns, each panel
 * `kc` rows of NR floats, the last panel padded with zeros.
 */
function packB(b: usize, bRow: i32, bCol: i32, k0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  for (let p: i32 = 0; p < nc; p += NR) {
    const cols = min(NR, nc - p);
    const panel = dst + <usize>(p * kc) * 4;
    if (cols === NR && bCol === 1) {
      let src = b + <usize>(k0 * bRow + j0 + p) * 4;
      const step = <usize>bRow * 4;
      for (let kk: i32 = 0; kk < kc; kk++) {
        const out = panel + <usize>kk * 32;
        v128.store(out, v128.load(src));
        v128.store(out, v128.load(src, 16), 16);
        src += step;
      }
    } else if (cols === NR && bRow === 1) {
      // B stored transposed: each column is a contiguous run along k; 4×4 transposes.
      const colStep = <usize>bCol * 4;
      const src = b + <usize>((j0 + p) * bCol + k0) * 4;
      let kk: i32 = 0;
      for (; kk + 4 <= kc; kk += 4) {
        const s = src + <usize>kk * 4;
        const c0 = v128.load(s);
        const c1 = v128.load(s + colStep);
        const c2 = v128.load(s + 2 * colStep);
        const c3 = v128.load(s + 3 * colStep);
        const c4 = v128.load(s + 4 * colStep);
        const c5 = v128.load(s + 5 * colStep);
        const c6 = v128.load(s + 6 * colStep);
        const c7 = v128.load(s + 7 * colStep);
        const out = panel + <usize>kk * 32;
        const l0 = i32x4.shuffle(c0, c1, 0, 4, 1, 5);
        const l1 = i32x4.shuffle(c2, c3, 0, 4, 1, 5);
        const l2 = i32x4.shuffle(c0, c1, 2, 6, 3, 7);
        const l3 = i32x4.shuffle(c2, c3, 2, 6, 3, 7);
        const h0 = i32x4.shuffle(c4, c5, 0, 4, 1, 5);
        const h1 = i32x4.shuffle(c6, c7, 0, 4, 1, 5);
        const h2 = i32x4.shuffle(c4, c5, 2, 6, 3, 7);
        const h3 = i32x4.shuffle(c6, c7, 2, 6, 3, 7);
        v128.store(out, i32x4.shuffle(l0, l1, 0, 1, 4, 5));
        v128.store(out, i32x4.shuffle(h0, h1, 0, 1, 4, 5), 16);
        v128.store(out, i32x4.shuffle(l0, l1, 2, 3, 6, 7), 32);
        v128.store(out, i32x4.shuffle(h0, h1, 2, 3, 6, 7), 48);
        v128.store(out, i32x4.shuffle(l2, l3, 0, 1, 4, 5), 64);
        v128.store(out, i32x4.shuffle(h2, h3, 0, 1, 4, 5), 80);
        v128.store(out, i32x4.shuffle(l2, l3, 2, 3, 6, 7), 96);
        v128.store(out, i32x4.shuffle(h2, h3, 2, 3, 6, 7), 112);
      }
      for (; kk < kc; kk++) {
        const out = panel + <usize>kk * 32;
        for (let t: i32 = 0; t < NR; t++)
          store<f32>(out + <usize>t * 4, load<f32>(src + <usize>kk * 4 + <usize>t * colStep));
      }
    } else {
      for (let kk: i32 = 0; kk < kc; kk++) {
        const out = panel + <usize>kk * 32;
        const row = b + <usize>((k0 + kk) * bRow + (j0 + p) * bCol) * 4;
        for (let t: i32 = 0; t < NR; t++) {
          store<f32>(out + <usize>t * 4, t < cols ? load<f32>(row + <usize>(t * bCol) * 4) : 0);
        }
      }
    }
  }
}

/** Writes (or adds) two vectors to a C row, only its first `cols` lanes when cols < NR. */
function put(c: usize, v0: v128, v1: v128, cols: i32, add: bool, tmp: usize): void {
  if (cols === NR) {
    if (add) {
      v0 = f32x4.add(v0, v128.load(c));
      v1 = f32x4.add(v1, v128.load(c, 16));
    }
    v128.store(c, v0);
    v128.store(c, v1, 16);
  } else {
    v128.store(tmp, v0);
    v128.store(tmp, v1, 16);
    for (let t: i32 = 0; t < cols; t++) {
      const x = load<f32>(tmp + <usize>t * 4);
      store<f32>(c + <usize>t * 4, add ? load<f32>(c + <usize>t * 4) + x : x);
    }
  }
}

/**
 * Four rows of C, NR columns: `C(i..i+3, j..j+7) (+)= A(i..i+3, k) · Bpanel(k, 0..7)` over `kc`
 * steps. `pa` is A(i, k0), `aRowB`/`aColB` A's strides in bytes; `pb` the panel, `bStep` bytes
 * from one k to the next (32 for a packed panel, B's row stride when read in place).
 */
function kernel4(
  pa: usize,
  aRowB: usize,
  aColB: usize,
  pb: usize,
  bStep: usize,
  kc: i32,
  c: usize,
  ldcB: usize,
  cols: i32,
  add: bool,
  tmp: usize,
): void {
  let a0 = pa;
  let a1 = pa + aRowB;
  let a2 = pa + 2 * aRowB;
  let a3 = pa + 3 * aRowB;
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let kk: i32 = 0; kk < kc; kk++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let s = v128.load32_splat(a0);
    c00 = f32x4.add(c00, f32x4.mul(s, b0));
    c01 = f32x4.add(c01, f32x4.mul(s, b1));
    s = v128.load32_splat(a1);
    c10 = f32x4.add(c10, f32x4.mul(s, b0));
    c11 = f32x4.add(c11, f32x4.mul(s, b1));
    s = v128.load32_splat(a2);
    c20 = f32x4.add(c20, f32x4.mul(s, b0));
    c21 = f32x4.add(c21, f32x4.mul(s, b1));
    s = v128.load32_splat(a3);
    c30 = f32x4.add(c30, f32x4.mul(s, b0));
    c31 = f32x4.add(c31, f32x4.mul(s, b1));
    a0 += aColB;
    a1 += aColB;
    a2 += aColB;
    a3 += aColB;
    pb += bStep;
  }
  put(c, c00, c01, cols, add, tmp);
  put(c + ldcB, c10, c11, cols, add, tmp);
  put(c + 2 * ldcB, c20, c21, cols, add, tmp);
  put(c + 3 * ldcB, c30, c31, cols, add, tmp);
}

/** One row of C, NR columns: {@link kernel4} for the rows left over. */
function kernel1(
  pa: usize,
  aColB: usize,
  pb: usize,
  bStep: usize,
  kc: i32,
  c: usize,
  cols: i32,
  add: bool,
  tmp: usize,
): void {
  let c0 = f32x4.splat(0);
  let c1 = f32x4.splat(0);
  for (let kk: i32 = 0; kk < kc; kk++) {
    const s = v128.load32_splat(pa);
    c0 = f32x4.add(c0, f32x4.mul(s, v128.load(pb)));
    c1 = f32x4.add(c1, f32x4.mul(s, v128.load(pb, 16)));
    pa += aColB;
    pb += bStep;
  }
  put(c, c0, c1, cols, add, tmp);
}

/**
 * One product `C = op(A) · op(B)` (m×n, inner size k), blocked: B in blocks of `kcBlock` rows ×
 * `ncBlock` columns packed into `scratch` (kcBlock·ncBlock floats + 32 bytes), A read in place.
 */
function product(
  a: usize,
  b: usize,
  c: usize,
  m: i32,
  n: i32,
  k: i32,
  aRow: i32,
  aCol: i32,
  bRow: i32,
  bCol: i32,
  ldc: i32,
  scratch: usize,
  kcBlock: i32,
  ncBlock: i32,
): void {
  const aRowB = <usize>aRow * 4;
  const aColB = <usize>aCol * 4;
  const ldcB = <usize>ldc * 4;
  const tmp = scratch + <usize>(kcBlock * ncBlock) * 4;
  if (k === 0) {
    for (let i: i32 = 0; i < m; i++) memory.fill(c + <usize>i * ldcB, 0, <usize>n * 4);
    return;
  }
  for (let j0: i32 = 0; j0 < n; j0 += ncBlock) {
    const nc = min(ncBlock, n - j0);
    for (let k0: i32 = 0; k0 < k; k0 += kcBlock) {
      const kc = min(kcBlock, k - k0);
      const add = k0 > 0;
      packB(b, bRow, bCol, k0, kc, j0, nc, scratch);
      let i: i32 = 0;
      for (; i + 4 <= m; i += 4) {
        const pa = a + <usize>(i * aRow + k0 * aCol) * 4;
        const crow = c + <usize>(i * ldc + j0) * 4;
        for (let p: i32 = 0; p < nc; p += NR) {
          kernel4(
            pa,
            aRowB,
            aColB,
            scratch + <usize>(p * kc) * 4,
            32,
            kc,
            crow + <usize>p * 4,
            ldcB,
            min(NR, nc - p),
            add,
            tmp,
          );
        }
      }
      for (; i < m; i++) {
        const pa = a + <usize>(i * aRow + k0 * aCol) * 4;
        const crow = c + <usize>(i * ldc + j0) * 4;
        for (let p: i32 = 0; p < nc; p += NR) {
          kernel1(
            pa,
            aColB,
            scratch + <usize>(p * kc) * 4,
            32,
            kc,
            crow + <usize>p * 4,
            min(NR, nc - p),
            add,
            tmp,
          );
        }
      }
    }
  }
}

/**
 * One product with B read in place (no packing), for B stored row-major (`bCol` = 1) and few
 * rows of C, where packing would cost more than it saves: columns in runs of NR, the last
 * `n mod NR` columns one dot product each.
 */
function productInPlaceRows(
  a: usize,
  b: usize,
  c: usize,
  m: i32,
  n: i32,
  k: i32,
  aRow: i32,
  aCol: i32,
  bRow: i32,
  ldc: i32,
  tmp: usize,
): void {
  const aRowB = <usize>aRow * 4;
  const aColB = <usize>aCol * 4;
  const bStep = <usize>bRow * 4;
  const ldcB = <usize>ldc * 4;
  const full = n - (n % NR);
  // Column panels outside, rows inside: a panel of B (k rows of NR floats) stays in L1 while
  // every row of A passes over it.
  for (let j: i32 = 0; j < full; j += NR) {
    const pb = b + <usize>j * 4;
    let i: i32 = 0;
    for (; i + 4 <= m; i += 4)
      kernel4(
        a + <usize>(i * aRow) * 4,
        aRowB,
        aColB,
        pb,
        bStep,
        k,
        c + <usize>(i * ldc + j) * 4,
        ldcB,
        NR,
        false,
        tmp,
      );
    for (; i < m; i++)
      kernel1(a + <usize>(i * aRow) * 4, aColB, pb, bStep, k, c + <usize>(i * ldc + j) * 4, NR, false, tmp);
  }
  for (let ii: i32 = 0; ii < m; ii++) {
    for (let j: i32 = full; j < n; j++) {
      let s: f32 = 0;
      for (let kk: i32 = 0; kk < k; kk++)
        s += load<f32>(a + <usize>(ii * aRow + kk * aCol) * 4) * load<f32>(b + <usize>(kk * bRow + j) * 4);
      store<f32>(c + <usize>(ii * ldc + j) * 4, s);
    }
  }
}

/**
 * One product as dot products along k, for A and B both contiguous along k (`aCol` = `bRow` = 1,
 * i.e. `A · Bᵀ`) and few rows of C: a decode step's `q · kᵀ`. Four columns at a time.
 */
function productDots(
  a: usize,
  b: usize,
  c: usize,
  m: i32,
  n: i32,
  k: i32,
  aRow: i32,
  bCol: i32,
  ldc: i32,
): void {
  const k4 = k & ~3;
  for (let i: i32 = 0; i < m; i++) {
    const pa = a + <usize>(i * aRow) * 4;
    const crow = c + <usize>(i * ldc) * 4;
    let j: i32 = 0;
    for (; j + 4 <= n; j += 4) {
      const p0 = b + <usize>(j * bCol) * 4;
      const p1 = p0 + <usize>bCol * 4;
      const p2 = p1 + <usize>bCol * 4;
      const p3 = p2 + <usize>bCol * 4;
      let s0 = f32x4.splat(0);
      let s1 = f32x4.splat(0);
      let s2 = f32x4.splat(0);
      let s3 = f32x4.splat(0);
      for (let kk: i32 = 0; kk < k4; kk += 4) {
        const off = <usize>kk * 4;
        const x = v128.load(pa + off);
        s0 = f32x4.add(s0, f32x4.mul(x, v128.load(p0 + off)));
        s1 = f32x4.add(s1, f32x4.mul(x, v128.load(p1 + off)));
        s2 = f32x4.add(s2, f32x4.mul(x, v128.load(p2 + off)));
        s3 = f32x4.add(s3, f32x4.mul(x, v128.load(p3 + off)));
      }
      // Horizontal sums of the four accumulators at once: lane t of the result is Σ s_t.
      const t0 = f32x4.add(i32x4.shuffle(s0, s1, 0, 4, 1, 5), i32x4.shuffle(s0, s1, 2, 6, 3, 7));
      const t1 = f32x4.add(i32x4.shuffle(s2, s3, 0, 4, 1, 5), i32x4.shuffle(s2, s3, 2, 6, 3, 7));
      let r = f32x4.add(i32x4.shuffle(t0, t1, 0, 1, 4, 5), i32x4.shuffle(t0, t1, 2, 3, 6, 7));
      if (k4 < k) {
        let e0: f32 = 0;
        let e1: f32 = 0;
        let e2: f32 = 0;
        let e3: f32 = 0;
        for (let kk: i32 = k4; kk < k; kk++) {
          const off = <usize>kk * 4;
          const x = load<f32>(pa + off);
          e0 += x * load<f32>(p0 + off);
          e1 += x * load<f32>(p1 + off);
          e2 += x * load<f32>(p2 + off);
          e3 += x * load<f32>(p3 + off);
        }
        r = f32x4.add(
          r,
          f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(e0), 1, e1), 2, e2), 3, e3),
        );
      }
      v128.store(crow + <usize>j * 4, r);
    }
    for (; j < n; j++) {
      const pb = b + <usize>(j * bCol) * 4;
      let s: f32 = 0;
      for (let kk: i32 = 0; kk < k; kk++) s += load<f32>(pa + <usize>kk * 4) * load<f32>(pb + <usize>kk * 4);
      store<f32>(crow + <usize>j * 4, s);
    }
  }
}

/**
 * `C[e] = op(A[e]) · op(B[e])` for `e` in `0 .. batch`; `batchA`, `batchB`, `batchC` are the
 * element strides between batch elements (0 broadcasts). `mode` picks the loop: 0 packs B
 * (blocks of `kcBlock × ncBlock`, `scratch` holds kcBlock·ncBlock floats + 32 bytes), 1 reads a
 * row-major B in place, 2 takes dot products (A and B contiguous along k).
 */
export function gemm(
  a: usize,
  b: usize,
  c: usize,
  batch: i32,
  batchA: i32,
  batchB: i32,
  batchC: i32,
  m: i32,
  n: i32,
  k: i32,
  aRow: i32,
  aCol: i32,
  bRow: i32,
  bCol: i32,
  mode: i32,
  scratch: usize,
  kcBlock: i32,
  ncBlock: i32,
): void {
  for (let e: i32 = 0; e < batch; e++) {
    const ae = a + <usize>(e * batchA) * 4;
    const be = b + <usize>(e * batchB) * 4;
    const ce = c + <usize>(e * batchC) * 4;
    if (mode === 2) productDots(ae, be, ce, m, n, k, aRow, bCol, n);
    else if (mode === 1) productInPlaceRows(ae, be, ce, m, n, k, aRow, aCol, bRow, n, scratch);
    else product(ae, be, ce, m, n, k, aRow, aCol, bRow, bCol, n, scratch, kcBlock, ncBlock);
  }
}
