import alfworld, { householdSpec } from '@rl4vlm/alfworld';
import { EnvRegistry, registerManifest, TextEnv } from '@rl4vlm/env';
import { createOracle, registerGymCards } from '@rl4vlm/gym-cards';
import { BpeTokenizer, builtinCorpus, PRESETS as MODEL_PRESETS } from '@rl4vlm/policy-tfjs';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../src/config/presets.js';

// A limit shorter than the oracle's replies cuts every chain of thought before "action": —
// EZPoints trained with 64 tokens scored 0% with 99.9% format errors (RESULTS.md).
describe('gym-cards presets leave room for a whole chain-of-thought reply', () => {
  const tokenizer = BpeTokenizer.fit(builtinCorpus(), { vocabSize: MODEL_PRESETS.tiny.vocabSize });
  const envs = new EnvRegistry();
  registerGymCards({ registry: envs });

  for (const [name, preset] of Object.entries(PRESETS)) {
    const id = preset.config.env?.id;
    if (name === 'smoke' || !id?.startsWith('gym-cards/')) continue;
    it(`${name}: the oracle's longest reply (+ EOS) fits generate, eval and SFT maxNewTokens`, async () => {
      const oracle = createOracle(id, {});
      const env = envs.make(id);
      const text = { cot: true, ...(preset.config.env?.text ?? {}) }; // e.g. Points24's `plan` thought
      let longest = 0;
      for (let seed = 0; seed < 150; seed++) {
        let { info } = await env.reset({ seed });
        for (let t = 0; t < 30; t++) {
          longest = Math.max(longest, tokenizer.encode(oracle.reply(info, text)).length + 1);
          const step = await env.step(oracle.action(info));
          if (step.terminated || step.truncated) break;
          info = step.info;
        }
      }
      const c = preset.config as any;
      expect(longest).toBeGreaterThan(20);
      expect(c.ppo.generate.maxNewTokens).toBeGreaterThanOrEqual(longest);
      expect(c.eval.maxNewTokens).toBeGreaterThanOrEqual(longest);
      expect(c.sft.train.maxNewTokens).toBeGreaterThanOrEqual(longest);
    });
  }
});

describe('the alfworld preset', () => {
  const tokenizer = BpeTokenizer.fit(builtinCorpus(), { vocabSize: MODEL_PRESETS.tiny.vocabSize });
  const c = PRESETS.alfworld!.config as any;

  it("leaves room for the search expert's longest reply and plays text only", async () => {
    const envs = new EnvRegistry();
    registerManifest(alfworld, { registry: envs });
    const env = new TextEnv(envs.make(c.env.id, c.env.kwargs), householdSpec.text!(c.env.text));
    const oracle = householdSpec.oracle!(c.env.text, c.env.kwargs) as (p: unknown, i: unknown) => string;
    let longest = 0;
    for (let seed = 0; seed < 150; seed++) {
      let { observation, info } = await env.reset({ seed });
      for (;;) {
        expect(env.prompt(observation, info).images).toEqual([]);
        const reply = oracle(undefined, info);
        longest = Math.max(longest, tokenizer.encode(reply).length + 1);
        const step = await env.step(reply);
        if (step.terminated || step.truncated) {
          // The search expert wins every game, and the win-only reward makes return > 0 mean a win.
          expect(step.terminated).toBe(true);
          expect(step.reward).toBe(1);
          break;
        }
        expect(step.reward).toBe(0);
        ({ observation, info } = step);
      }
    }
    expect(longest).toBeGreaterThan(40);
    expect(c.ppo.generate.maxNewTokens).toBeGreaterThanOrEqual(longest);
    expect(c.eval.maxNewTokens).toBeGreaterThanOrEqual(longest);
    expect(c.sft.train.maxNewTokens).toBeGreaterThanOrEqual(longest);
  });
});
