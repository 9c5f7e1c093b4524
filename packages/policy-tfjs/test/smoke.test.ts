import { createImage } from '@rl4vlm/env';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { TfjsPolicy } from '../src/index.js';

it('smoke', async () => {
  const policy = await TfjsPolicy.create('tiny');
  console.log(
    tf.getBackend(),
    policy.config.vocabSize,
    policy.tokenizer.encode('USER: <image>\nYou are playing a game called number line.').length,
  );
  const img = createImage(300, 300, [10, 200, 30]);
  const prompt = {
    text: 'USER: <image>\nYou are playing a game called number line. ASSISTANT:',
    images: [img],
  };
  let t = performance.now();
  const g = await policy.generate([prompt, prompt], { seed: 1, maxNewTokens: 20 });
  console.log(performance.now() - t, g[0]!.text, g[0]!.tokenIds.length, g[0]!.value);
  t = performance.now();
  const g2 = await policy.generate([prompt, prompt], { seed: 1, maxNewTokens: 20, useKvCache: false });
  console.log(performance.now() - t, g2[0]!.tokenIds.join(',') === g[0]!.tokenIds.join(','));
  const s = policy.score([{ prompt, responseTokenIds: g[0]!.tokenIds }]);
  const lp = (await s.logProbs.data()) as Float32Array;
  console.log([...lp].slice(0, 5), g[0]!.logProbs.slice(0, 5));
  expect(Math.abs(lp[0]! - g[0]!.logProbs[0]!)).toBeLessThan(1e-4);
});
