// Kernel profile of one training step and one KV-cache decode step (run `pnpm build` first).
// Usage: node bench/profile.mjs [--preset tiny|small] [--batch 16] [--new 64] [--dist DIR] [--top 12]
//          [--trainer DIR]
// Every wasm kernel is wrapped to add up the CPU time of this process while it runs (CPU time,
// not wall time: on a shared machine wall time also counts other people's work), by kernel name.
// "outside kernels" is the rest of the step: JS between kernels (tape bookkeeping, masks, sampling).
// --dist profiles another build (see compare.mjs), so before and after use the same script;
// --trainer DIR (a @rl4vlm/trainer package folder with its dist/) updates with that build's Adam,
// the step a training run takes, instead of tfjs's `tf.train.adam`.
import * as tf from '@tensorflow/tfjs-core';
import { arg, benchPrompts, cpuUs, loadBuild, loadTrainerAdam, sampledItems, trainStep } from './common.mjs';

const preset = arg('preset', 'tiny');
const batch = Number(arg('batch', 16));
const newTokens = Number(arg('new', 64));
const top = Number(arg('top', 12));
const dist = arg('dist');
const trainerDir = arg('trainer');
const trainerAdam = await loadTrainerAdam(trainerDir);
const { builtinCorpus, TfjsPolicy } = await loadBuild(dist);
const policy = await TfjsPolicy.create(preset);

const stats = new Map();
let depth = 0;
for (const kernel of tf.getKernelsForBackend(tf.getBackend())) {
  const run = kernel.kernelFunc;
  tf.unregisterKernel(kernel.kernelName, kernel.backendName);
  tf.registerKernel({
    ...kernel,
    kernelFunc: (args) => {
      // A kernel that calls another is counted once, as itself.
      if (depth++ > 0) {
        try {
          return run(args);
        } finally {
          depth--;
        }
      }
      const start = cpuUs();
      try {
        return run(args);
      } finally {
        depth--;
        const e = stats.get(kernel.kernelName) ?? { count: 0, us: 0 };
        e.count++;
        e.us += cpuUs() - start;
        stats.set(kernel.kernelName, e);
      }
    },
  });
}

const prompts = benchPrompts(builtinCorpus, batch);
const items = await sampledItems(policy, prompts, newTokens);
const train = trainStep(policy, items, trainerAdam);

/** Runs `f` `reps` times: CPU µs per run in all and per kernel name. */
async function measure(f, reps) {
  stats.clear();
  const start = cpuUs();
  for (let r = 0; r < reps; r++) await f();
  const total = (cpuUs() - start) / reps;
  return {
    total,
    kernels: new Map([...stats].map(([k, e]) => [k, { count: e.count / reps, us: e.us / reps }])),
  };
}

/** Prints a measurement as a table of kernels by CPU time. */
function print(title, { total, kernels }) {
  const ms = total / 1000;
  const rows = [...kernels].map(([name, e]) => [name, { count: e.count, ms: e.us / 1000 }]);
  rows.sort((a, b) => b[1].ms - a[1].ms);
  const inKernels = rows.reduce((s, [, e]) => s + e.ms, 0);
  const launches = rows.reduce((s, [, e]) => s + e.count, 0);
  const line = (name, count, t) =>
    `| ${name} | ${count} | ${t.toFixed(1)} | ${((100 * t) / ms).toFixed(1)}% |`;
  const lines = [
    `${title}: ${Math.round(launches)} kernel launches, ${ms.toFixed(1)} CPU-ms`,
    '| kernel | launches | CPU-ms | share |',
    '|---|---:|---:|---:|',
    ...rows.slice(0, top).map(([name, e]) => line(name, Math.round(e.count), e.ms)),
  ];
  const rest = rows.slice(top);
  if (rest.length) {
    const count = rest.reduce((s, [, e]) => s + e.count, 0);
    lines.push(
      line(
        `${rest.length} other kernels`,
        Math.round(count),
        rest.reduce((s, [, e]) => s + e.ms, 0),
      ),
    );
  }
  lines.push(line('outside kernels', '', ms - inKernels));
  console.log(lines.join('\n'));
}

train(); // warm-up: packs weights, grows the heap
const replyTokens = items.reduce((n, it) => n + it.responseTokenIds.length, 0);
print(
  `${preset} training step (batch ${batch}, ${replyTokens} reply tokens, ${trainerDir ? 'trainer' : 'tfjs'} Adam)`,
  await measure(train, 3),
);

// Decode steps: generate(1 + N) minus generate(1) is exactly N KV-cache steps and their sampling.
const N = 32;
const gen = (n) => policy.generate(prompts, { seed: 1, maxNewTokens: n });
await gen(N + 1);
const one = await measure(() => gen(1), 2);
const many = await measure(() => gen(N + 1), 2);
const perStep = new Map();
for (const [name, e] of many.kernels) {
  const base = one.kernels.get(name) ?? { count: 0, us: 0 };
  perStep.set(name, { count: (e.count - base.count) / N, us: (e.us - base.us) / N });
}
print(`\n${preset} prefill + first token (batch ${batch})`, one);
print(`\n${preset} decode step with KV cache (batch ${batch}; [generate(${N + 1}) − generate(1)] / ${N})`, {
  total: (many.total - one.total) / N,
  kernels: perStep,
});
policy.dispose();
