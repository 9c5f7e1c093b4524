import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPolicyRegistry, isTrainablePolicy } from '@rl4vlm/policy';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import tfjsPolicies, { countParameters, decodeSafetensors, TfjsPolicy } from '../src/index.js';
import { readingSample } from './reading.js';

const SYSTEM = 'A chat between a curious human and an artificial intelligence assistant. USER: <image>\n';
const prompts = [3, 41, 77].map((v, i) => ({
  text: `${SYSTEM}You are playing a game called number line. Round ${i}. ASSISTANT:`,
  images: [readingSample([v % 21, (v * 7) % 21]).image],
}));

let policy: TfjsPolicy;
beforeAll(async () => {
  policy = await TfjsPolicy.create('tiny');
});
afterAll(() => policy.dispose());

const tokens = (gens: { tokenIds: number[] }[]) => gens.map((g) => g.tokenIds);

describe('TfjsPolicy generation', () => {
  it('is reproducible for a fixed seed and differs across seeds', async () => {
    const a = await policy.generate(prompts, { seed: 5, maxNewTokens: 12 });
    const b = await policy.generate(prompts, { seed: 5, maxNewTokens: 12 });
    const c = await policy.generate(prompts, { seed: 6, maxNewTokens: 12 });
    expect(tokens(a)).toEqual(tokens(b));
    expect(a.map((g) => g.logProbs)).toEqual(b.map((g) => g.logProbs));
    expect(tokens(a)).not.toEqual(tokens(c));
    for (const g of a) {
      expect(g.logProbs).toHaveLength(g.tokenIds.length);
      expect(Number.isFinite(g.value)).toBe(true);
      expect(g.promptTokenIds).toContain(policy.tokenizer.imageId);
    }
  });

  it('gives the same tokens with the KV cache (shared prefix or not, prompts of different lengths) as with full recomputation', async () => {
    // A shorter prompt: its row is left-padded, and the padding must stay masked at every step.
    const uneven = [...prompts, { ...prompts[0]!, text: `${SYSTEM}Round 3 of a longer game. ASSISTANT:` }];
    for (const options of [
      { seed: 9, temperature: 1 },
      { temperature: 0 },
      { seed: 2, temperature: 0.7, topP: 0.9 },
    ]) {
      const cached = await policy.generate(uneven, { ...options, maxNewTokens: 10 });
      const noPrefix = await policy.generate(uneven, { ...options, maxNewTokens: 10, sharePrefix: false });
      const recomputed = await policy.generate(uneven, { ...options, maxNewTokens: 10, useKvCache: false });
      expect(tokens(cached)).toEqual(tokens(recomputed));
      expect(tokens(noPrefix)).toEqual(tokens(recomputed));
      cached.forEach((g, i) => {
        for (const [t, lp] of g.logProbs.entries()) expect(lp).toBeCloseTo(recomputed[i]!.logProbs[t]!, 4);
      });
    }
  });

  it('scores a response to the log-probs recorded while sampling (temperature 1 and 0.5, to 1e-4)', async () => {
    for (const temperature of [1, 0.5]) {
      const gens = await policy.generate(prompts, { seed: 11, temperature, maxNewTokens: 16 });
      const scored = tf.tidy(() => {
        const s = policy.score(
          prompts.map((prompt, i) => ({ prompt, responseTokenIds: gens[i]!.tokenIds })),
          { temperature },
        );
        return {
          lp: s.logProbs.arraySync() as number[][],
          v: s.values.arraySync() as number[],
          m: s.mask.arraySync() as number[][],
        };
      });
      gens.forEach((g, i) => {
        for (const [t, lp] of g.logProbs.entries())
          expect(Math.abs(scored.lp[i]![t]! - lp)).toBeLessThan(1e-4);
        expect(scored.m[i]!.reduce((a, b) => a + b, 0)).toBe(g.tokenIds.length);
        expect(scored.v[i]!).toBeCloseTo(g.value!, 4);
      });
    }
  });

  it('stops at a stop string and at maxNewTokens', async () => {
    const free = await policy.generate(prompts.slice(0, 1), { seed: 3, maxNewTokens: 30 });
    const text = free[0]!.text;
    const stop = text.slice(5, 7);
    const [cut] = await policy.generate(prompts.slice(0, 1), { seed: 3, maxNewTokens: 30, stop: [stop] });
    expect(cut!.text.endsWith(stop)).toBe(true);
    expect(text.startsWith(cut!.text)).toBe(true);
    expect(cut!.tokenIds.length).toBeLessThan(free[0]!.tokenIds.length);
    const [none] = await policy.generate(prompts.slice(0, 1), { maxNewTokens: 0 });
    expect(none!.tokenIds).toEqual([]);
  });

  it('at initialisation the image changes the log-probs, and the loss gradient reaches the ViT and projector', () => {
    const response = policy.tokenizer.encode('{"action": "+"}');
    const item = (v: number) => ({
      prompt: {
        text: 'USER: <image>\nWhat number is shown? ASSISTANT:',
        images: [readingSample([v, 0]).image],
      },
      responseTokenIds: response,
    });
    const vars = policy.trainableVariables();
    const { value, grads } = tf.variableGrads(() => {
      const s = policy.score([item(3), item(17)]);
      return tf.neg(tf.sum(s.logProbs)) as tf.Scalar;
    }, vars);
    const lp = tf.tidy(() => policy.score([item(3), item(17)]).logProbs.arraySync() as number[][]);
    const gap = Math.max(...lp[0]!.map((x, t) => Math.abs(x - lp[1]![t]!)));
    expect(gap).toBeGreaterThan(1e-3);
    for (const name of ['vision.patch_embed.weight', 'vision.layers.0.attn.q.weight', 'projector.0.weight']) {
      const g = Object.entries(grads).find(([k]) => k.startsWith(name))?.[1];
      expect(g, name).toBeDefined();
      expect(
        tf.tidy(() => tf.max(tf.abs(g!)).dataSync()[0]!),
        name,
      ).toBeGreaterThan(1e-6);
    }
    tf.dispose([value, ...Object.values(grads)]);
  });

  it('trains the vision encoder and projector at the preset’s reduced learning rate', () => {
    const scales = policy.learningRateScales();
    const names = policy.trainableVariables().map((v) => v.name);
    expect(scales).toHaveLength(names.length);
    expect(scales.filter((s) => s === 0.1).length).toBeGreaterThan(0);
    expect(names.map((name, i) => [name, scales[i]])).toEqual(
      names.map((name) => [name, /^(vision|projector)\./.test(name) ? 0.1 : 1]),
    );
    expect(() => new TfjsPolicy({ ...policy.config, visionLearningRateScale: 0 }, policy.tokenizer)).toThrow(
      /visionLearningRateScale must be a number > 0/,
    );
  });

  it('rejects a prompt whose placeholders and images disagree', async () => {
    await expect(policy.generate([{ text: 'no placeholder', images: prompts[0]!.images }])).rejects.toThrow(
      /0 '<image>' placeholder\(s\) but 1 image/,
    );
  });

  it('does not leak tensors over many generate and score steps', async () => {
    const step = async () => {
      const gens = await policy.generate(prompts, { seed: 1, maxNewTokens: 6 });
      const { value, grads } = tf.variableGrads(() => {
        const s = policy.score(prompts.map((prompt, i) => ({ prompt, responseTokenIds: gens[i]!.tokenIds })));
        return tf.sum(tf.add(s.logProbs, tf.sum(s.values))) as tf.Scalar;
      }, policy.trainableVariables());
      tf.dispose([value, ...Object.values(grads)]);
    };
    await step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await step();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('TfjsPolicy checkpoints', () => {
  it('round-trips save → load with identical outputs, as config.json + model.safetensors + tokenizer.json', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rl4vlm-tfjs-'));
    // Perturb the weights so a load that silently re-initialised would differ.
    for (const v of policy.trainableVariables().slice(0, 5)) tf.tidy(() => v.assign(tf.add(v, 0.01)));
    await policy.save(dir);
    const loaded = await TfjsPolicy.fromDirectory(dir);
    const a = await policy.generate(prompts, { seed: 4, maxNewTokens: 8 });
    const b = await loaded.generate(prompts, { seed: 4, maxNewTokens: 8 });
    expect(tokens(b)).toEqual(tokens(a));
    expect(b.map((g) => g.logProbs)).toEqual(a.map((g) => g.logProbs));
    const { tensors, metadata } = decodeSafetensors(await readFile(path.join(dir, 'model.safetensors')));
    expect(metadata.producer).toBe('@rl4vlm/policy-tfjs');
    expect([...tensors.values()].reduce((n, t) => n + t.data.length, 0)).toBe(
      countParameters(policy.config).total,
    );
    const emb = tensors.get('lm.embed_tokens.weight')!;
    expect(emb.shape).toEqual([policy.config.vocabSize, policy.config.dim]);
    expect(Array.from(emb.data.slice(0, 8))).toEqual(
      Array.from((policy.network.w('lm.embed_tokens.weight').dataSync() as Float32Array).slice(0, 8)),
    );
    const other = await TfjsPolicy.create('tiny', { config: { layers: 1 } });
    await expect(other.load(dir)).rejects.toThrow(/another architecture/);
    other.dispose();
    loaded.dispose();
  });

  it('resolves tfjs:<preset> and tfjs:<dir> through the policy registry', async () => {
    const registry = createPolicyRegistry();
    registry.registerManifest(tfjsPolicies);
    const fresh = await registry.create('tfjs:tiny');
    expect(isTrainablePolicy(fresh)).toBe(true);
    expect(fresh.id).toBe('tfjs:tiny');
    await expect(registry.create('tfjs:huge')).rejects.toThrow(/neither a preset \(tiny, small\)/);
    (fresh as TfjsPolicy).dispose();
  });
});

describe('LoRA', () => {
  it('trains only the adapters and the value head, and starts equal to the base model', async () => {
    const lora = await TfjsPolicy.create('tiny', { lora: { rank: 4, alpha: 8 } });
    const names = lora.trainableVariables().map((v) => v.name);
    expect(names.every((n) => /lora_[AB]|value_head/.test(n))).toBe(true);
    expect(names.filter((n) => n.includes('lora_A')).length).toBe(7 * lora.config.layers);
    const base = await TfjsPolicy.create('tiny');
    const a = await base.generate(prompts, { seed: 8, maxNewTokens: 6 });
    const b = await lora.generate(prompts, { seed: 8, maxNewTokens: 6 });
    expect(tokens(b)).toEqual(tokens(a));
    lora.dispose();
    base.dispose();
  });
});
