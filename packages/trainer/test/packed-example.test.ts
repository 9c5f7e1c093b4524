import { deflateRawSync } from 'node:zlib';
import { EnvRegistry, imagesEqual } from '@rl4vlm/env';
import { createOracle, registerGymCards } from '@rl4vlm/gym-cards';
import { OraclePolicy } from '@rl4vlm/policy';
import { describe, expect, it } from 'vitest';
import { buildOracleDataset } from '../src/oracle-dataset.js';
import { packExample } from '../src/packed-example.js';
import { deriveSeed, SeedStream } from '../src/seeds.js';
import { makeTextEnvs } from '../src/train.js';

const envConfig = { id: 'gym-cards/Points24-v0', kwargs: {}, text: { cot: true } };

function points24Env() {
  const registry = new EnvRegistry();
  registerGymCards({ registry });
  return makeTextEnvs(registry, envConfig, 1)[0]!;
}

describe('oracle datasets keep their frames deflated', () => {
  it('packExample gives back the real Points24 frame byte for byte, from a fraction of the bytes', async () => {
    const env = points24Env();
    const { observation, info } = await env.reset({ seed: 3 });
    const prompt = env.prompt(observation, info);
    expect(prompt.images.length).toBeGreaterThan(0);
    const packed = packExample({ prompt, info, target: 'x' });
    const read = packed.prompt;
    expect(read.text).toBe(prompt.text);
    expect(read.images).toHaveLength(prompt.images.length);
    for (let i = 0; i < read.images.length; i++)
      expect(imagesEqual(read.images[i]!, prompt.images[i]!)).toBe(true);
    // A fresh image per read: the policy's per-image input cache must not pin the whole dataset.
    expect(packed.prompt.images[0]).not.toBe(read.images[0]);
    expect(packed.target).toBe('x');
    expect(packed.info).toBe(info);
    // Why packing pays: a card frame deflates to a small fraction of its bytes.
    const frame = prompt.images[0]!.data;
    expect(deflateRawSync(frame, { level: 1 }).length).toBeLessThan(frame.length / 5);
    // Destructuring (how SFT chunks reach the workers) reads the images too.
    const { prompt: copied } = packed;
    expect(imagesEqual(copied.images[0]!, prompt.images[0]!)).toBe(true);
  });

  it('a Points24 oracle dataset reads back exactly the prompts the env renders', async () => {
    const oracle = createOracle('gym-cards/Points24-v0');
    const teacher = new OraclePolicy((_p, info) => oracle.reply(info, { cot: true }));
    const examples = await buildOracleDataset({ env: points24Env(), teacher, episodes: 3, seed: 5 });
    expect(examples.length).toBeGreaterThanOrEqual(3);
    // Replay the same episodes on a second env, stepping with the recorded replies.
    const replay = points24Env();
    let k = 0;
    for (let e = 0; k < examples.length; e++) {
      expect(e).toBeLessThan(3);
      let current = await replay.reset({ seed: deriveSeed(5, SeedStream.dataset, 2, e) });
      for (;;) {
        const want = replay.prompt(current.observation, current.info);
        const got = examples[k]!.prompt;
        expect(got.text).toBe(want.text);
        expect(imagesEqual(got.images[0]!, want.images[0]!)).toBe(true);
        const r = await replay.step(examples[k]!.target);
        k++;
        if (r.terminated || r.truncated || k >= examples.length) break;
        current = { observation: r.observation, info: r.info };
      }
    }
  });
});
