// 1 worker against 2, step by step in one process, so a busy machine slows both alike:
// `pnpm build && node bench/paired-workers.mjs [--steps 12] [--rows 8,16]`. Each round takes one
// SFT optimizer step (batch 8 in chunks of 4) with (a) the main thread alone, (b) 2 worker
// threads where the main thread steps and copies its weights to them (the design before),
// (c) 2 worker threads that each take the step themselves; then one generation of `rows` prompts
// (48 tokens) in-process and on the 2 workers. Prints the median time of each and the ratios.
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { EnvRegistry, TextEnv } from '@rl4vlm/env';
import { createOracle, registerGymCards } from '@rl4vlm/gym-cards';
import { OraclePolicy } from '@rl4vlm/policy';
import { TfjsPolicy } from '@rl4vlm/policy-tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { Adam, buildOracleDataset, LocalReplicas, sumInChunkOrder, WorkerPool } from '../dist/index.js';

const { values: args } = parseArgs({
  options: { steps: { type: 'string', default: '12' }, rows: { type: 'string', default: '8,16' } },
});
const ENV = 'gym-cards/NumberLine-v0';
const envs = new EnvRegistry();
registerGymCards({ registry: envs });
const env = new TextEnv(envs.make(ENV), envs.spec(ENV).text({ cot: true }));
const oracle = createOracle(ENV);
const examples = await buildOracleDataset({
  env,
  teacher: new OraclePolicy((_p, info) => oracle.reply(info, { cot: true })),
  episodes: 24,
  seed: 1,
});
const policyModules = [import.meta.resolve('@rl4vlm/policy-tfjs')];
const rowCounts = args.rows.split(',').map(Number);

/** A policy, its Adam and its replicas; `mode` says how an optimizer step reaches the replicas. */
async function setup(mode) {
  const policy = await TfjsPolicy.create('tiny');
  const replicas =
    mode === 'local'
      ? new LocalReplicas(policy)
      : await WorkerPool.start({ workers: 2, policy, policyModules, policyId: 'tfjs:tiny' });
  const variables = policy.trainableVariables();
  const adam = new Adam(variables, {}, policy.learningRateScales());
  await replicas.startOptimizer(adam);
  const step = async (batch) => {
    const tokens = batch.reduce((n, e) => n + policy.tokenizer.encode(e.target).length + 1, 0);
    const chunks = [batch.slice(0, 4), batch.slice(4, 8)].map((part) => ({
      kind: 'sft',
      examples: part.map(({ prompt, target }) => ({ prompt, target })),
      batchTokens: tokens,
    }));
    const { grads } = sumInChunkOrder(await replicas.gradients(chunks));
    const tensors = grads.map((g, i) => tf.tensor(g, variables[i].shape, 'float32'));
    if (mode === 'copy') {
      adam.apply(tensors, 1e-4);
      await replicas.syncWeights();
    } else await replicas.step(adam, tensors, 1e-4);
    for (const t of tensors) t.dispose();
  };
  return { policy, replicas, step };
}

const modes = ['local', 'copy', 'step'];
const runs = Object.fromEntries(await Promise.all(modes.map(async (m) => [m, await setup(m)])));
const times = Object.fromEntries(modes.map((m) => [m, []]));
const gen = Object.fromEntries(
  rowCounts.flatMap((r) => [
    [`local ${r}`, []],
    [`2 workers ${r}`, []],
  ]),
);
const timed = async (f) => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};
const steps = Number(args.steps);
console.log(`CPU: ${cpus()[0]?.model} × ${cpus().length}; ${steps} rounds (+2 warm-up)`);
for (let s = -2; s < steps; s++) {
  const at = ((s + 2) * 8) % (examples.length - 8);
  const batch = examples.slice(at, at + 8);
  for (const m of modes) {
    const ms = await timed(() => runs[m].step(batch));
    if (s >= 0) times[m].push(ms);
  }
  for (const r of rowCounts) {
    const prompts = Array.from({ length: r }, (_, i) => examples[i % examples.length].prompt);
    const options = { temperature: 1, maxNewTokens: 48, seed: s };
    const a = await timed(() => runs.local.replicas.generate(prompts, options));
    const b = await timed(() => runs.step.replicas.generate(prompts, options));
    if (s >= 0) {
      gen[`local ${r}`].push(a);
      gen[`2 workers ${r}`].push(b);
    }
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const m = Object.fromEntries(Object.entries({ ...times, ...gen }).map(([k, v]) => [k, median(v)]));
console.log(
  `SFT step, median ms: main thread alone ${m.local.toFixed(0)}; 2 workers, weights copied ${m.copy.toFixed(0)} ` +
    `(${(m.local / m.copy).toFixed(2)}×); 2 workers, each takes the step ${m.step.toFixed(0)} (${(m.local / m.step).toFixed(2)}×)`,
);
for (const r of rowCounts)
  console.log(
    `generation of ${r} rows × 48 tokens, median ms: in-process ${m[`local ${r}`].toFixed(0)}; ` +
      `2 workers ${m[`2 workers ${r}`].toFixed(0)} (${(m[`local ${r}`] / m[`2 workers ${r}`]).toFixed(2)}×)`,
  );
const hashes = await runs.step.replicas.weightHashes();
console.log(`replicas equal after the steps: ${new Set(hashes).size === 1}`);
for (const r of Object.values(runs)) await r.replicas.close();
