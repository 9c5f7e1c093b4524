// The training step's matrix products by shape: launches, multiply-adds, CPU time and GMAC/s.
// Usage: node bench/matmul-shapes.mjs [--preset tiny|small] [--batch 16] [--new 64] [--dist DIR] [--generate]
// --generate: one generate call (prefill and KV-cache decode steps) instead of a training step.
// Wraps the backend's BatchMatMul kernel (and its transposes) to time each call in CPU time.
import * as tf from '@tensorflow/tfjs-core';
import { arg, benchPrompts, cpuUs, loadBuild, sampledItems, trainStep } from './common.mjs';

const preset = arg('preset', 'tiny');
const batch = Number(arg('batch', 16));
const newTokens = Number(arg('new', 64));
const dist = arg('dist');
const { builtinCorpus, TfjsPolicy } = await loadBuild(dist);
const policy = await TfjsPolicy.create(preset);
const stats = new Map();
let recording = false;
const kernel = tf.getKernel('BatchMatMul', tf.getBackend());
tf.unregisterKernel('BatchMatMul', tf.getBackend());
tf.registerKernel({
  ...kernel,
  kernelFunc: (args) => {
    const start = cpuUs();
    const out = kernel.kernelFunc(args);
    if (recording) {
      const { a, b } = args.inputs;
      const { transposeA, transposeB } = args.attrs;
      const batchN = Math.max(
        a.shape.slice(0, -2).reduce((x, y) => x * y, 1),
        b.shape.slice(0, -2).reduce((x, y) => x * y, 1),
      );
      const m = transposeA ? a.shape.at(-1) : a.shape.at(-2);
      const k = transposeA ? a.shape.at(-2) : a.shape.at(-1);
      const n = transposeB ? b.shape.at(-2) : b.shape.at(-1);
      const key = `${batchN > 1 ? `${batchN} × ` : ''}[${m}, ${k}]${transposeA ? 'ᵀ' : ''} · [${k}, ${n}]${transposeB ? 'ᵀ' : ''}`;
      const e = stats.get(key) ?? { count: 0, us: 0, macs: 0 };
      e.count++;
      e.us += cpuUs() - start;
      e.macs += batchN * m * k * n;
      stats.set(key, e);
    }
    return out;
  },
});
const prompts = benchPrompts(builtinCorpus, batch);
const items = await sampledItems(policy, prompts, newTokens);
const train = trainStep(policy, items);
const generating = process.argv.includes('--generate');
const work = generating ? () => policy.generate(prompts, { seed: 1, maxNewTokens: newTokens }) : train;
await work();
const reps = Number(arg('reps', 2));
recording = true;
const start = cpuUs();
for (let r = 0; r < reps; r++) await work();
const total = (cpuUs() - start) / reps / 1000;
recording = false;
const rows = [...stats].map(([k, e]) => ({
  k,
  count: e.count / reps,
  ms: e.us / reps / 1000,
  macs: e.macs / reps,
}));
rows.sort((a, b) => b.ms - a.ms);
const sum = (f) => rows.reduce((s, r) => s + f(r), 0);
console.log(
  `${preset} ${generating ? `generate (${newTokens} new tokens)` : 'training step'}: ${total.toFixed(0)} CPU-ms, matMul ${sum((r) => r.ms).toFixed(0)} CPU-ms, ${(sum((r) => r.macs) / 1e9).toFixed(2)} G multiply-adds (${(sum((r) => r.macs) / 1e6 / sum((r) => r.ms)).toFixed(1)} GMAC/s)`,
);
console.log('| product | launches | M MACs | CPU-ms | GMAC/s |\n|---|---:|---:|---:|---:|');
for (const r of rows)
  console.log(
    `| ${r.k} | ${r.count} | ${(r.macs / 1e6).toFixed(0)} | ${r.ms.toFixed(1)} | ${(r.macs / 1e6 / r.ms).toFixed(1)} |`,
  );
policy.dispose();
