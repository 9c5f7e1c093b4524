import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { rmsNorm, TfjsPolicy, useBackend } from '../src/index.js';

/** Central-difference gradient of `f` at `x` (float32, so a coarse step and tolerance). */
function numericGrad(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, eps = 1e-2): Float32Array {
  const base = x.dataSync() as Float32Array;
  const out = new Float32Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const at = (d: number) =>
      tf.tidy(() => {
        const v = Float32Array.from(base);
        v[i]! += d;
        return f(tf.tensor(v, x.shape)).dataSync()[0]!;
      });
    out[i] = (at(eps) - at(-eps)) / (2 * eps);
  }
  return out;
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number) {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++)
    expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(tol * (1 + Math.abs(b[i]!)));
}

const rand = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

afterAll(() => useBackend('wasm'));

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`gradients on ${backend}`, () => {
    it('rmsNorm: the hand-written gradient matches a numeric one (input and weight)', async () => {
      await useBackend(backend);
      const x = rand([2, 3, 6], 1);
      const w = rand([6], 2);
      const probe = rand([2, 3, 6], 3);
      const loss = (xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(rmsNorm(xx, ww), probe)) as tf.Scalar;
      const [gx, gw] = tf.grads(loss)([x, w]);
      expectClose(
        gx!.dataSync(),
        numericGrad((xx) => loss(xx, w), x),
        2e-2,
      );
      expectClose(
        gw!.dataSync(),
        numericGrad((ww) => loss(x, ww), w),
        2e-2,
      );
    });

    it('matMul with transposes (re-registered on wasm) equals the plain form, and so do its gradients', async () => {
      await useBackend(backend);
      const a = rand([2, 5, 4], 4);
      const b = rand([2, 3, 4], 5);
      const viaFlag = tf.matMul(a, b, false, true);
      const explicit = tf.matMul(a, tf.transpose(b, [0, 2, 1]));
      expectClose(viaFlag.dataSync(), explicit.dataSync(), 1e-5);
      const at = tf.transpose(a, [0, 2, 1]);
      expectClose(
        tf.matMul(at, b, true, true).dataSync(),
        tf.matMul(a, tf.transpose(b, [0, 2, 1])).dataSync(),
        1e-5,
      );
      const probe = rand([2, 5, 3], 6);
      const loss = (aa: tf.Tensor, bb: tf.Tensor) =>
        tf.sum(tf.mul(tf.matMul(aa as tf.Tensor3D, bb as tf.Tensor3D, false, true), probe)) as tf.Scalar;
      const [ga, gb] = tf.grads(loss)([a, b]);
      expectClose(
        ga!.dataSync(),
        numericGrad((aa) => loss(aa, b), a),
        2e-2,
      );
      expectClose(
        gb!.dataSync(),
        numericGrad((bb) => loss(a, bb), b),
        2e-2,
      );
    });

    it("the whole model's score gradient matches a numeric one on sampled weights", async () => {
      await useBackend(backend);
      const policy = await TfjsPolicy.create('tiny', {
        config: {
          imageSize: 16,
          patchSize: 8,
          visionDim: 16,
          visionLayers: 1,
          visionHeads: 2,
          visionFfn: 16,
          dim: 16,
          layers: 1,
          heads: 2,
          ffn: 24,
          valueHidden: 8,
        },
        corpus: ['abc abc abd'],
      });
      const img = { width: 16, height: 16, data: Uint8Array.from({ length: 768 }, (_, i) => (i * 37) % 256) };
      const batch = [
        { prompt: { text: 'ab <image> c', images: [img] }, responseTokenIds: policy.tokenizer.encode('abd') },
        { prompt: { text: 'abc', images: [] }, responseTokenIds: policy.tokenizer.encode('a') },
      ];
      const lossOf = () => {
        const s = policy.score(batch);
        return tf.add(
          tf.sum(s.logProbs),
          tf.add(tf.sum(s.values), tf.mul(tf.sum(s.entropy), 0.3)),
        ) as tf.Scalar;
      };
      for (const name of [
        'vision.patch_embed.weight',
        'lm.layers.0.attn.q_proj.weight',
        'lm.layers.0.input_norm.weight',
        'lm.embed_tokens.weight',
        'value_head.0.weight',
      ]) {
        const v = policy.network.w(name);
        const { grads } = tf.variableGrads(lossOf, [v]);
        const analytic = grads[v.name]!.dataSync();
        const original = v.dataSync().slice() as Float32Array;
        // Check a few coordinates: the numeric gradient costs two forward passes each.
        for (const i of [0, 7, Math.floor(original.length / 2), original.length - 1]) {
          const at = (d: number) => {
            const vals = Float32Array.from(original);
            vals[i]! += d;
            v.assign(tf.tensor(vals, v.shape));
            return tf.tidy(() => lossOf().dataSync()[0]!);
          };
          const numeric = (at(1e-2) - at(-1e-2)) / 2e-2;
          v.assign(tf.tensor(original, v.shape));
          expect(Math.abs(analytic[i]! - numeric), `${name}[${i}] on ${backend}`).toBeLessThan(
            3e-2 * (1 + Math.abs(numeric)),
          );
        }
      }
      policy.dispose();
    });
  });
}
