// The main thread's own CPU per optimizer step with worker replicas (`tfjs:tiny`, 2 chunks), after
// `pnpm build`: `node bench/main-thread-costs.mjs`. Summing the chunk gradients in chunk order,
// making a tensor of the (flat) sum, reading it back (what `WorkerPool.step` sends) and
// the main policy's own Adam step; CPU time (`process.cpuUsage`) averaged over 20 calls after 3
// warm-up calls, so other jobs on the machine barely change it.
import { TfjsPolicy } from '@rl4vlm/policy-tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { Adam, sumInChunkOrder } from '../dist/index.js';

const policy = await TfjsPolicy.create('tiny');
const variables = policy.trainableVariables();
const size = variables.reduce((n, v) => n + v.size, 0);
const adam = new Adam(variables, {}, policy.learningRateScales());
const chunk = () => ({
  loss: 1,
  gradient: Float32Array.from({ length: size }, () => Math.random() * 1e-3),
});
const cpuMs = (f, calls = 20) => {
  for (let i = 0; i < 3; i++) f();
  const c0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) f();
  const c = process.cpuUsage(c0);
  return ((c.user + c.system) / 1e3 / calls).toFixed(1);
};
const chunks = [chunk(), chunk()];
let summed;
// sumInChunkOrder sums into the first chunk's buffer; each call here adds into it again.
const sum = cpuMs(() => {
  summed = sumInChunkOrder(chunks);
});
let flat;
const make = cpuMs(() => {
  flat?.dispose();
  flat = tf.tensor1d(summed.gradient);
});
const read = cpuMs(() => {
  new Float32Array(flat.dataSync());
});
const step = cpuMs(() => {
  adam.applyFlat(flat, 1e-6);
});
console.log(
  `tfjs:tiny, ${size} trainable parameters; main-thread CPU ms per step: sum of 2 chunks ${sum}, ` +
    `tensor ${make}, read back ${read}, Adam step (flat) ${step}`,
);
