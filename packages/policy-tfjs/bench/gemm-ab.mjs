// This package's WebAssembly GEMM against the backend's own products (XNNPACK, behind the
// package's BatchMatMul fix) in one process: training steps and decode-heavy generate calls
// alternate between the two (A B A B …), so both see the same machine load.
// Usage: node bench/gemm-ab.mjs [--preset tiny|small] [--batch 16] [--new 64] [--reps 6]
import * as tf from '@tensorflow/tfjs-core';
import { arg, benchPrompts, cpuUs, loadBuild, sampledItems, trainStep } from './common.mjs';

const preset = arg('preset', 'tiny');
const batch = Number(arg('batch', 16));
const newTokens = Number(arg('new', 64));
const reps = Number(arg('reps', 6));
process.env.RL4VLM_WASM_GEMM = '0'; // the policy's backend comes up without the GEMM ...
const { builtinCorpus, TfjsPolicy, loadWasmGemm } = await loadBuild(arg('dist'));
const policy = await TfjsPolicy.create(preset);
// ... and this wrapper sends a product to the GEMM or to the package's XNNPACK path by a switch.
const gemm = await loadWasmGemm(tf.backend());
const kernel = tf.getKernel('BatchMatMul', 'wasm');
let useGemm = false;
tf.unregisterKernel('BatchMatMul', 'wasm');
tf.registerKernel({
  ...kernel,
  kernelFunc: (args) => {
    if (useGemm) {
      const { a, b } = args.inputs;
      const out = gemm.matMul(a, b, args.attrs.transposeA, args.attrs.transposeB);
      if (out) return out;
    }
    return kernel.kernelFunc(args);
  },
});

const prompts = benchPrompts(builtinCorpus, batch);
const items = await sampledItems(policy, prompts, newTokens);
const train = trainStep(policy, items);
const generate = () => policy.generate(prompts, { seed: 7, maxNewTokens: newTokens });
const time = async (f) => {
  const start = cpuUs();
  await f();
  return (cpuUs() - start) / 1000;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = { train: { xnnpack: [], gemm: [] }, generate: { xnnpack: [], gemm: [] } };
for (const [name, f] of [
  ['train', train],
  ['generate', generate],
]) {
  for (const on of [false, true]) {
    useGemm = on;
    await f(); // warm-up
  }
  for (let r = 0; r < reps; r++)
    for (const on of r % 2 ? [true, false] : [false, true]) {
      useGemm = on;
      results[name][on ? 'gemm' : 'xnnpack'].push(await time(f));
    }
}
const summary = Object.fromEntries(
  Object.entries(results).map(([name, r]) => [
    name,
    {
      xnnpackCpuMs: Math.round(median(r.xnnpack)),
      gemmCpuMs: Math.round(median(r.gemm)),
      speedup: Number((median(r.xnnpack) / median(r.gemm)).toFixed(2)),
      runs: r,
    },
  ]),
);
console.log(JSON.stringify({ preset, batch, newTokens, reps, summary }, null, 1));
