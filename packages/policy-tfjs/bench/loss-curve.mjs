// A seeded SFT-style run (token NLL + value loss, tfjs Adam at lr 1e-3, 12 steps, tiny preset,
// batch 8): prints the loss per step. With --old DIR it also runs the old build (see
// compare.mjs) in its own process and prints both curves and their largest relative gap.
// Usage: node bench/loss-curve.mjs [--old DIR] [--steps 12] [--preset tiny] [--dist DIR]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { arg, buildDist, loadBuild } from './common.mjs';

const steps = Number(arg('steps', 12));
const preset = arg('preset', 'tiny');
const old = arg('old');

if (old) {
  const dist = buildDist(old);
  // The last line of the child's output (the backend choice is logged before it).
  const curve = (extra) =>
    JSON.parse(
      execFileSync(
        process.execPath,
        [fileURLToPath(import.meta.url), '--steps', `${steps}`, '--preset', preset, ...extra],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      )
        .trim()
        .split('\n')
        .at(-1),
    );
  const before = curve(['--dist', dist]);
  const after = curve([]);
  const gap = Math.max(...before.map((x, i) => Math.abs(x - after[i]) / Math.abs(x)));
  console.log(JSON.stringify({ preset, steps, before, after, maxRelativeGap: gap }, null, 2));
} else {
  const { createImage, Rng } = await import('@rl4vlm/env');
  const tf = await import('@tensorflow/tfjs-core');
  const { builtinCorpus, TfjsPolicy } = await loadBuild(arg('dist'));
  const policy = await TfjsPolicy.create(preset);
  const rng = new Rng(7);
  const items = Array.from({ length: 8 }, (_, i) => {
    const img = createImage(300, 300);
    for (let j = 0; j < img.data.length; j++) img.data[j] = rng.int(0, 255);
    const reply = `{"current number": "${i}", "target number": "${(i * 7) % 10}", "action": "${i % 2 ? '+' : '-'}"}`;
    return {
      prompt: { text: builtinCorpus()[0], images: [img] },
      responseTokenIds: [...policy.tokenizer.encode(reply), policy.tokenizer.eosId],
    };
  });
  const optimizer = tf.train.adam(1e-3);
  const losses = [];
  for (let s = 0; s < steps; s++) {
    const cost = optimizer.minimize(
      () => {
        const out = policy.score(items);
        const nll = tf.div(tf.neg(tf.sum(out.logProbs)), tf.sum(out.mask));
        return tf.add(nll, tf.mul(tf.mean(tf.square(tf.sub(out.values, 1))), 0.5));
      },
      true,
      policy.trainableVariables(),
    );
    losses.push(cost.dataSync()[0]);
    cost.dispose();
  }
  process.stdout.write(JSON.stringify(losses));
  policy.dispose();
}
