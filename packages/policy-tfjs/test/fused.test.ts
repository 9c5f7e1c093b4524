import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { TfjsPolicy, useBackend } from '../src/index.js';

afterAll(() => useBackend('wasm'));

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`fused projections on ${backend}`, () => {
    it('give the log-probs, values and gradients of the separate q/k/v and gate/up products', async () => {
      await useBackend(backend);
      const policy = await TfjsPolicy.create('tiny', {
        config: { imageSize: 32, patchSize: 8, dim: 32, heads: 4, ffn: 48, layers: 2, valueHidden: 16 },
        corpus: ['abc abc abd dab'],
      });
      const img = {
        width: 32,
        height: 32,
        data: Uint8Array.from({ length: 3072 }, (_, i) => (i * 37) % 256),
      };
      const batch = [
        {
          prompt: { text: 'ab <image> c', images: [img] },
          responseTokenIds: policy.tokenizer.encode('abd dab'),
        },
        { prompt: { text: 'abc', images: [] }, responseTokenIds: policy.tokenizer.encode('a') },
      ];
      const vars = policy.trainableVariables();
      const run = () => {
        const { value, grads } = tf.variableGrads(() => {
          const s = policy.score(batch);
          return tf.add(
            tf.sum(s.logProbs),
            tf.add(tf.sum(s.values), tf.mul(tf.sum(s.entropy), 0.3)),
          ) as tf.Scalar;
        }, vars);
        const out = { loss: value.dataSync()[0]!, grads: vars.map((v) => grads[v.name]!.dataSync()) };
        tf.dispose([value, ...Object.values(grads)]);
        return out;
      };
      const fused = run();
      expect(policy.network.fusedWeights().size).toBe(2 + 2 * 2); // vision q/k/v ×2, LM q/k/v + gate/up ×2
      // The reference: every projection on its own (the path LoRA layers take).
      const network = policy.network as unknown as { fusedWeights: () => Map<string, tf.Tensor2D> };
      network.fusedWeights = () => new Map();
      const separate = run();
      expect(Math.abs(fused.loss - separate.loss)).toBeLessThan(1e-4 * (1 + Math.abs(separate.loss)));
      vars.forEach((v, i) => {
        const a = fused.grads[i]!;
        const b = separate.grads[i]!;
        const scale = Math.max(1e-3, ...Array.from(b, Math.abs));
        for (let j = 0; j < a.length; j++)
          expect(Math.abs(a[j]! - b[j]!), `${v.name}[${j}]`).toBeLessThan(1e-4 * scale);
      });
      policy.dispose();
    });
  });
}
