// What a fresh right operand costs the wasm matMul: the same product timed with one B tensor
// reused (XNNPACK's operator, with B packed into its layout, is cached per B tensor) and with a
// fresh copy of B every call (packed again each time, as every weight gradient in a step is).
// Usage: node bench/pack-cost.mjs [--reps 10] [--dist DIR]
import * as tf from '@tensorflow/tfjs-core';
import { arg, cpuUs, loadBuild } from './common.mjs';

const reps = Number(arg('reps', 10));
const { useBackend } = await loadBuild(arg('dist'));
await useBackend('wasm');

/** CPU-ms per `[m, k] · [k, n]` product, B reused or copied fresh before each call (copy not timed). */
function time(m, k, n, freshB) {
  const a = tf.randomNormal([m, k]);
  const b0 = tf.randomNormal([k, n]);
  let us = 0;
  for (let i = 0; i < reps + 2; i++)
    tf.tidy(() => {
      const b = freshB ? tf.add(b0, 0) : b0;
      b.dataSync();
      const start = cpuUs();
      tf.matMul(a, b).dataSync();
      if (i >= 2) us += cpuUs() - start;
    });
  a.dispose();
  b0.dispose();
  return us / reps / 1000;
}

console.log('| product | B reused: CPU-ms (GMAC/s) | fresh B: CPU-ms (GMAC/s) | extra per B element |');
console.log('|---|---:|---:|---:|');
// tiny's weight gradients as Xᵀ·dY (B = dY, K = 2752 positions) and as (dYᵀ·X)ᵀ (B = X), a forward product.
for (const [m, k, n] of [
  [128, 2752, 384],
  [384, 2752, 128],
  [128, 2752, 640],
  [640, 2752, 128],
  [2752, 128, 384],
]) {
  const same = time(m, k, n, false);
  const fresh = time(m, k, n, true);
  const g = (ms) => ((m * k * n) / ms / 1e6).toFixed(1);
  console.log(
    `| [${m}, ${k}] · [${k}, ${n}] | ${same.toFixed(1)} (${g(same)}) | ${fresh.toFixed(1)} (${g(fresh)}) | ${(((fresh - same) * 1e6) / (k * n)).toFixed(1)} ns |`,
  );
}
