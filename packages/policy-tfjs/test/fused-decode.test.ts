import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, TfjsPolicy } from '../src/index.js';
import { readingSample } from './reading.js';

const SYSTEM = 'A chat between a curious human and an artificial intelligence assistant. USER: <image>\n';
// Different lengths, so rows are left-padded and the padding must stay masked in the cache.
const prompts = [3, 41, 77, 12, 5].map((v, i) => ({
  text: `${SYSTEM}Number line, round ${i}${' and more'.repeat(i)}. ASSISTANT:`,
  images: [readingSample([v % 21, (v * 7) % 21]).image],
}));

let policy: TfjsPolicy;
beforeAll(async () => {
  policy = await TfjsPolicy.create('tiny');
});
afterAll(() => policy.dispose());

/** Kernels one `generate` call launches, as tfjs counts them. */
async function kernelsOf(p: TfjsPolicy, maxNewTokens: number, fusedDecode: boolean): Promise<number> {
  const info = await tf.profile(async () => {
    await p.generate(prompts, { seed: 1, maxNewTokens, fusedDecode, stop: [] });
  });
  return info.kernels.length;
}

describe('the fused decode step (wasm)', () => {
  it('runs on this backend: decode steps launch no tfjs kernels', async () => {
    expect(tf.getBackend()).toBe('wasm');
    // Random weights rarely write EOS, so every call below runs all its steps.
    const fused8 = await kernelsOf(policy, 8, true);
    const fused24 = await kernelsOf(policy, 24, true);
    const tfjs8 = await kernelsOf(policy, 8, false);
    const tfjs24 = await kernelsOf(policy, 24, false);
    expect(fused24).toBe(fused8);
    expect(tfjs24 - tfjs8).toBeGreaterThan(16 * 20);
  });

  it('samples the same tokens as the tfjs kernels, log-probs within 1e-5 (sampled, greedy, top-p)', async () => {
    for (const options of [
      { seed: 9, temperature: 1 },
      { temperature: 0 },
      { seed: 2, temperature: 0.7, topP: 0.9 },
    ]) {
      const fused = await policy.generate(prompts, { ...options, maxNewTokens: 40 });
      const kernels = await policy.generate(prompts, { ...options, maxNewTokens: 40, fusedDecode: false });
      expect(fused.map((g) => g.tokenIds)).toEqual(kernels.map((g) => g.tokenIds));
      fused.forEach((g, i) => {
        g.logProbs.forEach((lp, t) => {
          expect(Math.abs(lp - kernels[i]!.logProbs[t]!)).toBeLessThan(1e-5);
        });
        expect(g.value).toBe(kernels[i]!.value);
      });
    }
  });

  it('handles an untied output head and falls back to the kernels for LoRA layers', async () => {
    for (const config of [
      { ...PRESETS.tiny, tieEmbeddings: false },
      { ...PRESETS.tiny, lora: { rank: 2, alpha: 4, targets: ['q', 'v'] } },
      { ...PRESETS.tiny, lora: { rank: 2, alpha: 4, targets: ['o', 'down'] } },
    ]) {
      const p = await TfjsPolicy.create(config as never);
      try {
        // Adapters start at zero (B = 0); make them matter.
        for (const v of p.trainableVariables())
          if (v.name.includes('lora_B')) v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', 7));
        const fused = await p.generate(prompts, { seed: 4, maxNewTokens: 20 });
        const kernels = await p.generate(prompts, { seed: 4, maxNewTokens: 20, fusedDecode: false });
        expect(fused.map((g) => g.tokenIds)).toEqual(kernels.map((g) => g.tokenIds));
        fused.forEach((g, i) => {
          g.logProbs.forEach((lp, t) => {
            expect(Math.abs(lp - kernels[i]!.logProbs[t]!)).toBeLessThan(1e-5);
          });
        });
      } finally {
        p.dispose();
      }
    }
  });

  it('frees its buffers: many calls do not grow the heap', async () => {
    await policy.generate(prompts, { seed: 1, maxNewTokens: 32 });
    const memory = (tf.backend() as unknown as { wasm: { asm: { memory: { buffer: ArrayBuffer } } } }).wasm
      .asm.memory;
    const before = memory.buffer.byteLength;
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 30; i++) await policy.generate(prompts, { seed: i, maxNewTokens: 32 });
    expect(memory.buffer.byteLength).toBe(before);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
