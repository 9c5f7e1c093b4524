import type { ScoreItem } from '@rl4vlm/policy';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { type Piece, TfjsPolicy, useBackend } from '../src/index.js';

afterAll(() => useBackend('wasm'));

const image = (seed: number) => ({
  width: 32,
  height: 32,
  data: Uint8Array.from({ length: 3072 }, (_, i) => (i * 37 + seed * 101) % 256),
});

/**
 * The full forward `score` used before its shortcuts: every position of prompt + whole response
 * through every layer (no shared prefix, no skipped positions), the same loss terms.
 */
function referenceScore(policy: TfjsPolicy, batch: ScoreItem[], temperature: number) {
  const tok = policy.tokenizer;
  const net = policy.network;
  const d = policy.config.dim;
  const vocab = policy.config.vocabSize;
  const patches = (policy.config.imageSize / policy.config.patchSize) ** 2;
  const images = batch.flatMap((item) => item.prompt.images);
  let imageIndex = 0;
  const prompts: Piece[][] = batch.map((item) => {
    const parts = item.prompt.text.split('<image>');
    return parts.flatMap((part, i): Piece[] => [
      { kind: 'tokens', ids: tok.encode(part) },
      ...(i < parts.length - 1
        ? [{ kind: 'image', index: imageIndex++, start: 0, count: patches } as Piece]
        : []),
    ]);
  });
  const length = (ps: Piece[]) => ps.reduce((n, p) => n + (p.kind === 'tokens' ? p.ids.length : p.count), 0);
  const pMax = Math.max(...prompts.map(length));
  const rMax = Math.max(...batch.map((item) => item.responseTokenIds.length));
  const b = batch.length;
  const pieces = prompts.map((p, i): Piece[] => {
    const r = batch[i]!.responseTokenIds;
    return [
      { kind: 'pad', count: pMax - length(p) },
      ...p,
      { kind: 'tokens', ids: [...r, ...Array(rMax - r.length).fill(tok.padId)] },
    ];
  });
  const real = prompts.map((p, i) => {
    const n = batch[i]!.responseTokenIds.length;
    return [
      ...Array(pMax - length(p)).fill(false),
      ...Array(length(p) + n).fill(true),
      ...Array(rMax - n).fill(false),
    ];
  });
  const fused = net.fusedWeights();
  const imageEmbeds = (
    policy as unknown as { imageEmbeddings: (i: unknown[], f: unknown) => tf.Tensor3D }
  ).imageEmbeddings(images, fused);
  const { hidden } = net.decode(
    net.embedRows(pieces, imageEmbeds),
    { real, pastLength: 0 },
    undefined,
    fused,
  );
  const values = net.value(tf.reshape(tf.slice(hidden, [0, pMax - 1, 0], [b, 1, d]), [b, d]) as tf.Tensor2D);
  const h = tf.reshape(tf.slice(hidden, [0, pMax - 1, 0], [b, rMax, d]), [b * rMax, d]) as tf.Tensor2D;
  const lp = tf.logSoftmax(tf.div(net.logits(h), temperature));
  const targets = batch.flatMap((item) =>
    Array.from({ length: rMax }, (_, t) => item.responseTokenIds[t] ?? tok.padId),
  );
  const mask = tf.tensor2d(
    batch.flatMap((item) =>
      Array.from({ length: rMax }, (_, t) => (t < item.responseTokenIds.length ? 1 : 0)),
    ),
    [b, rMax],
  );
  const chosen = tf.sum(tf.mul(lp, tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), vocab), 'float32')), -1);
  const entropy = tf.neg(tf.sum(tf.mul(tf.exp(lp), lp), -1));
  return {
    logProbs: tf.mul(tf.reshape(chosen, [b, rMax]), mask),
    entropy: tf.mul(tf.reshape(entropy, [b, rMax]), mask),
    values,
  };
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`score's shortcuts on ${backend}`, () => {
    it('a shared prompt prefix and the skipped positions give the full forward’s log-probs, values and gradients', async () => {
      await useBackend(backend);
      const policy = await TfjsPolicy.create('tiny', {
        config: { imageSize: 32, patchSize: 8, dim: 32, heads: 4, ffn: 48, layers: 2, valueHidden: 16 },
        corpus: ['abc abc abd dab'],
      });
      const shared = 'ab ca bd ab ';
      // Every row's text before its image encodes alike: a prefix long enough to be computed once.
      expect(policy.tokenizer.encode(shared).length).toBeGreaterThanOrEqual(8);
      const batch: ScoreItem[] = [
        {
          prompt: { text: `${shared}<image> c`, images: [image(1)] },
          responseTokenIds: policy.tokenizer.encode('abd dab'),
        },
        {
          prompt: { text: `${shared}<image> cab d`, images: [image(2)] },
          responseTokenIds: policy.tokenizer.encode('a'),
        },
        { prompt: { text: `${shared}<image>`, images: [image(3)] }, responseTokenIds: [] },
      ];
      const vars = policy.trainableVariables();
      const run = (score: () => { logProbs: tf.Tensor; entropy: tf.Tensor; values: tf.Tensor }) => {
        let lp: number[][] = [];
        let values: number[] = [];
        const { value, grads } = tf.variableGrads(() => {
          const s = score();
          lp = s.logProbs.arraySync() as number[][];
          values = s.values.arraySync() as number[];
          return tf.add(
            tf.sum(s.logProbs),
            tf.add(tf.sum(tf.square(s.values)), tf.mul(tf.sum(s.entropy), 0.3)),
          ) as tf.Scalar;
        }, vars);
        const out = {
          loss: value.dataSync()[0]!,
          lp,
          values,
          grads: vars.map((v) => grads[v.name]!.dataSync()),
        };
        tf.dispose([value, ...Object.values(grads)]);
        return out;
      };
      const temperature = 0.7;
      const withPrefix = run(() => policy.score(batch, { temperature }));
      const noPrefix = run(() => policy.score(batch, { temperature, sharePrefix: false }));
      const reference = run(() => referenceScore(policy, batch, temperature));
      for (const [name, got] of [
        ['shared prefix', withPrefix],
        ['no shared prefix', noPrefix],
      ] as const) {
        expect(got.lp.length).toBe(3);
        for (const [i, row] of got.lp.entries())
          for (const [t, x] of row.entries())
            expect(Math.abs(x - reference.lp[i]![t]!), `${name} lp[${i}][${t}]`).toBeLessThan(1e-4);
        for (const [i, x] of got.values.entries())
          expect(Math.abs(x - reference.values[i]!), `${name} value[${i}]`).toBeLessThan(1e-4);
        vars.forEach((v, i) => {
          const a = got.grads[i]!;
          const b = reference.grads[i]!;
          const scale = Math.max(1e-3, ...Array.from(b, Math.abs));
          for (let j = 0; j < a.length; j++)
            expect(Math.abs(a[j]! - b[j]!), `${name}: ${v.name}[${j}]`).toBeLessThan(1e-4 * scale);
        });
      }
      policy.dispose();
    });
  });
}
