// What the benchmarks share: their command-line options, the build under test, CPU time, the
// bench's prompts and the training step they time.
import { existsSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createImage, Rng } from '@rl4vlm/env';
import * as tf from '@tensorflow/tfjs-core';

/** The value after `--name` on the command line, or `fallback`. */
export const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};

/** This package's exports from `dist` (another build's dist/, e.g. an older one: see compare.mjs) or from ../dist. */
export function loadBuild(dist) {
  return import(
    dist
      ? pathToFileURL(`${dist.replace(/\/$/, '')}/index.js`).href
      : new URL('../dist/index.js', import.meta.url).href
  );
}

/**
 * The dist/ folder of another build (`dir` is that dist/ or holds it), given a link to this
 * package's node_modules beside it when it has none, so its imports resolve.
 */
export function buildDist(dir) {
  const root = path.resolve(dir);
  const dist = existsSync(path.join(root, 'dist', 'index.js')) ? path.join(root, 'dist') : root;
  if (!existsSync(path.join(dist, 'index.js'))) throw new Error(`${dir}: no dist/index.js there`);
  const modules = path.join(path.dirname(dist), 'node_modules');
  const ours = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'node_modules');
  if (!existsSync(modules)) symlinkSync(ours, modules, 'dir');
  return dist;
}

/** CPU microseconds of this process: on a shared, loaded machine wall time also counts other people's work. */
export const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/**
 * `batch` prompts as the bench uses them: the NumberLine prompt from the built-in corpus (system
 * line, <image>, task text) with a random 300×300 image each (seeded).
 */
export function benchPrompts(builtinCorpus, batch) {
  const rng = new Rng(1);
  return Array.from({ length: batch }, () => {
    const img = createImage(300, 300);
    for (let i = 0; i < img.data.length; i++) img.data[i] = rng.int(0, 255);
    return { text: builtinCorpus()[0], images: [img] };
  });
}

/** The prompts with replies the policy samples (seed 99, up to `newTokens` each): what a training step scores. */
export async function sampledItems(policy, prompts, newTokens) {
  const gens = await policy.generate(prompts, { seed: 99, maxNewTokens: newTokens });
  return prompts.map((prompt, i) => ({ prompt, responseTokenIds: gens[i].tokenIds }));
}

/**
 * The `Adam` class of the @rl4vlm/trainer package folder `dir` (its dist/), for {@link trainStep}'s
 * `trainerAdam`; `undefined` without a folder (the step then updates with `tf.train.adam`).
 */
export async function loadTrainerAdam(dir) {
  if (!dir) return undefined;
  return (await import(pathToFileURL(path.join(path.resolve(dir), 'dist', 'index.js')).href)).Adam;
}

/**
 * A training step over `items` as PPO runs one: score (log-probs and values), a loss from both,
 * backward, an Adam update; the returned function runs one step and waits for it. The update is
 * tfjs's `tf.train.adam`, or with `trainerAdam` (the `Adam` class of a `@rl4vlm/trainer` build) the
 * trainer's own, as a training run takes it.
 */
export function trainStep(policy, items, trainerAdam) {
  const vars = policy.trainableVariables();
  const loss = () => {
    const s = policy.score(items);
    return tf.neg(
      tf.add(tf.div(tf.sum(s.logProbs), tf.sum(s.mask)), tf.mul(tf.mean(tf.square(s.values)), 0.5)),
    );
  };
  if (trainerAdam) {
    const adam = new trainerAdam(vars, {}, policy.learningRateScales?.());
    return () => {
      const { value, grads } = tf.variableGrads(loss, vars);
      adam.apply(
        vars.map((v) => grads[v.name]),
        1e-5,
      );
      value.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    };
  }
  const optimizer = tf.train.adam(1e-5);
  return () => {
    const cost = optimizer.minimize(loss, true, vars);
    cost.dataSync();
    cost.dispose();
  };
}
