import { Rng } from '@rl4vlm/env';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { TfjsPolicy } from '../src/index.js';
import { drawPairs, READING_PROMPT, readingSample, readingSplit } from './reading.js';

/** Batch 16 and Adam at 2e-3 (0.2e-3 for the vision encoder, the preset's scale). */
const BATCH = 16;
const LEARNING_RATE = 2e-3;
/** An upper bound; it stops earlier once the smoothed loss is below 0.01 (≈ 300 steps). */
const MAX_STEPS = 500;
const HELD_OUT = 200;

// The must-show of the vision path: plain next-token loss, NumberLine's own frames, held-out
// (target, current) pairs. It trains a fixed number of steps, so it is deterministic and its
// wall time (≤ 2 min on one core, see BENCHMARKS.md) is a measurement, not an assertion.
describe('learning', () => {
  it('tiny learns to read NumberLine’s two numbers (0–20) from the image in ≤ 2 min, on held-out pairs', async () => {
    const started = performance.now();
    const policy = await TfjsPolicy.create('tiny');
    const tok = policy.tokenizer;
    // One Adam per learning-rate scale the policy asks for (the vision encoder trains at 0.1×).
    const vars = policy.trainableVariables();
    const scales = policy.learningRateScales();
    const groups = [...new Set(scales)].map((scale) => ({
      optimizer: tf.train.adam(LEARNING_RATE * scale),
      names: vars.filter((_, i) => scales[i] === scale).map((v) => v.name),
    }));
    const { train, heldOut } = readingSplit();
    const rng = new Rng(1);
    let steps = 0;
    let smoothed = Number.NaN;
    const trainStart = performance.now();
    while (steps < MAX_STEPS) {
      const batch = drawPairs(train, BATCH, rng).map((pair) => {
        const s = readingSample(pair);
        return {
          prompt: { text: READING_PROMPT, images: [s.image] },
          responseTokenIds: [...tok.encode(s.answer), tok.eosId],
        };
      });
      const { value: cost, grads } = tf.variableGrads(() => {
        const { logProbs, mask, values, entropy } = policy.score(batch);
        tf.dispose([values, entropy]);
        return tf.div(tf.neg(tf.sum(logProbs)), tf.sum(mask)) as tf.Scalar;
      }, vars);
      for (const { optimizer, names } of groups)
        optimizer.applyGradients(names.map((name) => ({ name, tensor: grads[name]! })));
      tf.dispose(Object.values(grads));
      const loss = (await cost.data())[0]!;
      cost.dispose();
      smoothed = Number.isNaN(smoothed) ? loss : 0.9 * smoothed + 0.1 * loss;
      steps++;
      if (process.env.RL4VLM_LEARNING_LOG && steps % 10 === 0)
        console.info(
          `step ${steps} ${((performance.now() - trainStart) / 1000).toFixed(0)} s loss ${smoothed.toFixed(3)}`,
        );
      if (steps >= 50 && smoothed < 0.01) break;
    }
    const trainSeconds = (performance.now() - trainStart) / 1000;
    const samples = drawPairs(heldOut, HELD_OUT, new Rng(2)).map(readingSample);
    const gens = await policy.generate(
      samples.map((s) => ({ text: READING_PROMPT, images: [s.image] })),
      { temperature: 0, maxNewTokens: 8 },
    );
    const accuracy = gens.filter((g, i) => g.text.trim() === samples[i]!.answer).length / samples.length;
    console.info(
      `reading NumberLine 0–20: ${steps} Adam steps (batch ${BATCH}) in ${trainSeconds.toFixed(0)} s, ` +
        `loss ${smoothed.toFixed(4)}, held-out accuracy ${accuracy} (${HELD_OUT} draws of ${heldOut.length} unseen pairs), ` +
        `${((performance.now() - started) / 1000).toFixed(0)} s in all; e.g. ${JSON.stringify(gens.slice(0, 3).map((g) => g.text))}`,
    );
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
    for (const { optimizer } of groups) optimizer.dispose();
    policy.dispose();
  }, 600_000);
});
