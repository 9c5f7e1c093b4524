// Benchmark of a preset (default tiny) at batch 16 with a 300×300 observation (run `pnpm build` first).
// Usage: node bench/bench.mjs [--preset tiny|small] [--batch 16] [--new 64] [--patch 16]
//          [--dist DIR] [--no-recompute] [--reps 3]
// --dist loads another build of this package (e.g. a copy of an older dist/, see bench/compare.mjs);
// --no-recompute skips the slow generation without KV cache.
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { createImage, Rng } from '@rl4vlm/env';
import * as tf from '@tensorflow/tfjs-core';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const preset = arg('preset', 'tiny');
const batch = Number(arg('batch', 16));
const newTokens = Number(arg('new', 64));
const patchSize = arg('patch') === undefined ? undefined : Number(arg('patch'));
const dist = arg('dist');
const reps = Number(arg('reps', 3));
const { builtinCorpus, countParameters, TfjsPolicy } = await import(
  dist ? pathToFileURL(`${dist.replace(/\/$/, '')}/index.js`).href : '../dist/index.js'
);
/** CPU seconds of this process: on a shared, loaded machine wall time also counts other people's work. */
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const policy = await TfjsPolicy.create(preset, patchSize ? { config: { patchSize } } : {});
const rng = new Rng(1);
const prompts = Array.from({ length: batch }, () => {
  const img = createImage(300, 300);
  for (let i = 0; i < img.data.length; i++) img.data[i] = rng.int(0, 255);
  // The NumberLine prompt from the built-in corpus: system line, <image>, task text.
  return { text: builtinCorpus()[0], images: [img] };
});
const promptTokens =
  policy.tokenizer.encode(prompts[0].text).length -
  1 +
  (policy.config.imageSize / policy.config.patchSize) ** 2;

async function timeGenerate(useKvCache, reps) {
  // Random weights rarely sample EOS early; force the full length by banning nothing and
  // counting the tokens actually generated.
  let tokens = 0;
  const start = performance.now();
  const cpu = cpuSeconds();
  for (let r = 0; r < reps; r++) {
    const gens = await policy.generate(prompts, { seed: r, maxNewTokens: newTokens, useKvCache });
    tokens += gens.reduce((n, g) => n + g.tokenIds.length, 0);
  }
  return { wall: tokens / ((performance.now() - start) / 1000), cpu: tokens / (cpuSeconds() - cpu) };
}

async function timeTrain(reps) {
  const gens = await policy.generate(prompts, { seed: 99, maxNewTokens: newTokens });
  const items = prompts.map((prompt, i) => ({ prompt, responseTokenIds: gens[i].tokenIds }));
  const tokens = items.reduce((n, it) => n + it.responseTokenIds.length, 0);
  const optimizer = tf.train.adam(1e-5);
  const vars = policy.trainableVariables();
  const step = () => {
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
  step(); // warm-up
  const start = performance.now();
  const cpu = cpuSeconds();
  for (let r = 0; r < reps; r++) step();
  return {
    wall: (tokens * reps) / ((performance.now() - start) / 1000),
    cpu: (tokens * reps) / (cpuSeconds() - cpu),
  };
}

await policy.generate(prompts.slice(0, 2), { maxNewTokens: 4 }); // warm-up
const loadBefore = loadavg()[0];
const kv = await timeGenerate(true, reps);
const noKv = process.argv.includes('--no-recompute') ? undefined : await timeGenerate(false, 1);
const trained = await timeTrain(reps);
const params = countParameters(policy.config);
console.log(
  JSON.stringify(
    {
      backend: tf.getBackend(),
      preset,
      dist: dist ?? 'dist',
      parameters: params.total,
      batch,
      promptPositions: promptTokens,
      newTokens,
      loadAverage: [Number(loadBefore.toFixed(1)), Number(loadavg()[0].toFixed(1))],
      generatedTokensPerSecondKvCache: Math.round(kv.wall),
      generatedTokensPerSecondRecompute: noKv && Math.round(noKv.wall),
      kvCacheSpeedup: noKv && Number((kv.wall / noKv.wall).toFixed(1)),
      trainedTokensPerSecond: Math.round(trained.wall),
      perCpuSecond: {
        generatedTokensKvCache: Math.round(kv.cpu),
        generatedTokensRecompute: noKv && Math.round(noKv.cpu),
        trainedTokens: Math.round(trained.cpu),
      },
    },
    null,
    2,
  ),
);
policy.dispose();
