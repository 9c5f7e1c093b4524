import { EnvRegistry } from '@rl4vlm/env';
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
