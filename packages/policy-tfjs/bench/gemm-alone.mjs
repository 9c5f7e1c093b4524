// The GEMM alone against the package's XNNPACK path on a training step's product shapes, each
// with a fresh right operand (as in a training step; XNNPACK packs it again), operands warm in
// cache: median CPU-ms of 20 calls and GMAC/s.
// Usage: node bench/gemm-alone.mjs [--dist DIR]
import * as tf from '@tensorflow/tfjs-core';
import { arg, cpuUs, loadBuild } from './common.mjs';

process.env.RL4VLM_WASM_GEMM = '0';
const { useBackend, loadWasmGemm } = await loadBuild(arg('dist'));
await useBackend('wasm');
const gemm = await loadWasmGemm(tf.backend());
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Median CPU-ms of `f` (which returns a tensor or tensor info to free), the first call not counted. */
function time(f) {
  const us = [];
  for (let i = 0; i < 21; i++) {
    const start = cpuUs();
    const out = f();
    const t = cpuUs() - start;
    if (out.dispose) out.dispose();
    else tf.backend().disposeData(out.dataId);
    if (i > 0) us.push(t);
  }
  return median(us) / 1000;
}
console.log('| product | XNNPACK path: CPU-ms (GMAC/s) | GEMM: CPU-ms (GMAC/s) |');
console.log('|---|---:|---:|');
for (const [batch, m, k, n, ta, tb] of [
  [1, 2752, 128, 384, false, false],
  [1, 2752, 384, 128, false, true],
  [1, 128, 2752, 384, true, false],
  [1, 2752, 128, 640, false, false],
  [1, 128, 2752, 640, true, false],
  [1, 2752, 640, 128, false, true],
  [64, 172, 32, 172, false, true],
  [64, 172, 172, 32, false, false],
  [64, 172, 172, 32, true, false],
  [1, 33024, 32, 32, false, false],
  [1, 1024, 128, 768, false, false],
  [64, 1, 32, 142, false, true],
  [64, 1, 142, 32, false, false],
]) {
  const lead = batch > 1 ? [batch] : [];
  const a = tf.randomNormal([...lead, ta ? k : m, ta ? m : k]);
  const b = tf.randomNormal([...lead, tb ? n : k, tb ? k : n]);
  // A fresh right operand each call, its copy timed apart and subtracted.
  const copy = time(() => tf.add(b, 0));
  const xnn =
    time(() => {
      const fresh = tf.add(b, 0);
      const out = tf.matMul(a, fresh, ta, tb);
      fresh.dispose();
      return out;
    }) - copy;
  const ours = time(() => gemm.matMul(a, b, ta, tb));
  const g = (ms) => ((batch * m * k * n) / ms / 1e6).toFixed(1);
  const name = `${batch > 1 ? `${batch} × ` : ''}[${m}, ${k}]${ta ? 'ᵀ' : ''} · [${k}, ${n}]${tb ? 'ᵀ' : ''}`;
  console.log(`| ${name} | ${xnn.toFixed(2)} (${g(xnn)}) | ${ours.toFixed(2)} (${g(ours)}) |`);
  tf.dispose([a, b]);
}
