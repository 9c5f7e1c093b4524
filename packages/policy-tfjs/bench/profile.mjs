// Kernel profile of one training step and one KV-cache decode step (run `pnpm build` first).
// Usage: node bench/profile.mjs [--preset tiny|small] [--batch 16] [--new 64] [--dist DIR] [--top 14]
// Prints, per step, each wasm kernel's launch count, time and share of the step's wall time;
// "outside kernels" is the rest (JS between kernels: tape bookkeeping, row copies, masks).
import { createImage, Rng } from '@rl4vlm/env';
import * as tf from '@tensorflow/tfjs-core';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const preset = arg('preset', 'tiny');
const batch = Number(arg('batch', 16));
const newTokens = Number(arg('new', 64));
const top = Number(arg('top', 14));
const dist = new URL(`${arg('dist', '../dist').replace(/\/$/, '')}/index.js`, `file://${process.cwd()}/`);
const lib = await import(arg('dist') ? dist.href : '../dist/index.js');
const { builtinCorpus, TfjsPolicy } = lib;

const policy = await TfjsPolicy.create(preset);
const rng = new Rng(1);
const prompts = Array.from({ length: batch }, () => {
  const img = createImage(300, 300);
  for (let i = 0; i < img.data.length; i++) img.data[i] = rng.int(0, 255);
  return { text: builtinCorpus()[0], images: [img] };
});
const gens = await policy.generate(prompts, { seed: 99, maxNewTokens: newTokens });
const items = prompts.map((prompt, i) => ({ prompt, responseTokenIds: gens[i].tokenIds }));
const vars = policy.trainableVariables();
const optimizer = tf.train.adam(1e-5);
const train = () => {
  const cost = optimizer.minimize(
    () => {
      const s = policy.score(items);
      return tf.neg(
        tf.add(tf.div(tf.sum(s.logProbs), tf.sum(s.mask)), tf.mul(tf.mean(tf.square(s.values)), 0.5)),
      );
    },
    true,
    vars,
  );
  cost.dataSync();
  cost.dispose();
};

function table(title, info, wallMs) {
  const by = new Map();
  for (const k of info.kernels) {
    const e = by.get(k.name) ?? { count: 0, ms: 0 };
    e.count += 1;
    e.ms += k.kernelTimeMs;
    by.set(k.name, e);
  }
  const rows = [...by.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const kernelMs = rows.reduce((s, [, e]) => s + e.ms, 0);
  const launches = rows.reduce((s, [, e]) => s + e.count, 0);
  const lines = [
    `${title}: ${launches} kernel launches, ${wallMs.toFixed(1)} ms wall`,
    '| kernel | count | ms | share |',
    '|---|---:|---:|---:|',
  ];
  for (const [name, e] of rows.slice(0, top))
    lines.push(`| ${name} | ${e.count} | ${e.ms.toFixed(1)} | ${((100 * e.ms) / wallMs).toFixed(1)}% |`);
  const rest = rows.slice(top);
  if (rest.length) {
    const ms = rest.reduce((s, [, e]) => s + e.ms, 0);
    const count = rest.reduce((s, [, e]) => s + e.count, 0);
    lines.push(
      `| ${rest.length} other kernels | ${count} | ${ms.toFixed(1)} | ${((100 * ms) / wallMs).toFixed(1)}% |`,
    );
  }
  lines.push(
    `| outside kernels | | ${(wallMs - kernelMs).toFixed(1)} | ${((100 * (wallMs - kernelMs)) / wallMs).toFixed(1)}% |`,
  );
  console.log(lines.join('\n'));
}

train(); // warm-up (packs weights, grows the heap)
let t0 = performance.now();
train();
const trainWall = performance.now() - t0;
const trainInfo = { kernels: (await tf.profile(train)).kernels };
if (process.argv.includes('--shapes')) {
  const m = new Map();
  for (const k of trainInfo.kernels.filter((k) => k.name === 'BatchMatMul' || k.name === 'Transpose')) {
    const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
    const e = m.get(key) ?? { count: 0, ms: 0 };
    e.count++;
    e.ms += k.kernelTimeMs;
    m.set(key, e);
  }
  for (const [key, e] of [...m].sort((a, b) => b[1].ms - a[1].ms))
    console.log(`${e.ms.toFixed(1)} ms ×${e.count} ${key}`);
}
table(
  `${preset} training step (batch ${batch}, ${items.reduce((n, it) => n + it.responseTokenIds.length, 0)} reply tokens; wall of an unprofiled step)`,
  trainInfo,
  trainWall,
);

// Decode steps: generate(1 + N) − generate(1) is exactly N KV-cache steps; shown per step.
const N = 32;
const gen = (n) => policy.generate(prompts, { seed: 1, maxNewTokens: n });
await gen(N + 1);
t0 = performance.now();
await gen(1);
const one = performance.now() - t0;
t0 = performance.now();
await gen(N + 1);
const many = performance.now() - t0;
// tf.profile returns one shared object: keep each call's kernel list.
const g1 = (await tf.profile(() => gen(1))).kernels;
const gN = (await tf.profile(() => gen(N + 1))).kernels;
const counts = (kernels) => {
  const m = new Map();
  for (const k of kernels) {
    const e = m.get(k.name) ?? { count: 0, ms: 0 };
    e.count++;
    e.ms += k.kernelTimeMs;
    m.set(k.name, e);
  }
  return m;
};
const c1 = counts(g1);
const perStep = [];
for (const [name, e] of counts(gN)) {
  const b = c1.get(name) ?? { count: 0, ms: 0 };
  const n = (e.count - b.count) / N;
  for (let i = 0; i < Math.round(n); i++)
    perStep.push({ name, kernelTimeMs: (e.ms - b.ms) / N / Math.round(n) });
}
table(
  `\n${preset} decode step with KV cache (batch ${batch}; [generate(${N + 1}) − generate(1)] / ${N})`,
  { kernels: perStep },
  (many - one) / N,
);
policy.dispose();
