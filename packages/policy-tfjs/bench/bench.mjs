// Benchmark of a preset (default tiny) at batch 16 with a 300×300 observation (run `pnpm build` first).
// Usage: node bench/bench.mjs [--preset tiny|small] [--batch 16] [--new 64] [--patch 16]
//          [--dist DIR] [--no-recompute] [--reps 3] [--trainer DIR]
// --dist loads another build of this package (e.g. a copy of an older dist/, see bench/compare.mjs);
// --no-recompute skips the slow generation without KV cache; --trainer DIR (a @rl4vlm/trainer
// package folder with its dist/) trains with that build's Adam, as a training run does, instead of
// tfjs's `tf.train.adam`.
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { arg, benchPrompts, cpuUs, loadBuild, loadTrainerAdam, sampledItems, trainStep } from './common.mjs';

const preset = arg('preset', 'tiny');
const batch = Number(arg('batch', 16));
const newTokens = Number(arg('new', 64));
const patchSize = arg('patch') === undefined ? undefined : Number(arg('patch'));
const dist = arg('dist');
const reps = Number(arg('reps', 3));
const trainerDir = arg('trainer');
const trainerAdam = await loadTrainerAdam(trainerDir);
const { builtinCorpus, countParameters, TfjsPolicy } = await loadBuild(dist);
const cpuSeconds = () => cpuUs() / 1e6;

const policy = await TfjsPolicy.create(preset, patchSize ? { config: { patchSize } } : {});
const prompts = benchPrompts(builtinCorpus, batch);
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
  const items = await sampledItems(policy, prompts, newTokens);
  const tokens = items.reduce((n, it) => n + it.responseTokenIds.length, 0);
  const step = trainStep(policy, items, trainerAdam);
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
      optimizer: trainerDir ? `trainer Adam (${trainerDir})` : 'tf.train.adam',
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
