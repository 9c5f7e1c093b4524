import { createImage, imagesEqual } from '@rl4vlm/env';
import { describe, expect, it } from 'vitest';
import { contentToPrompt, dataUrlToImage, imageToDataUrl, promptToContent } from '../src/index.js';

describe('prompt ⇄ chat content', () => {
  it('round-trips text with image placeholders and images', () => {
    const a = createImage(3, 2, [200, 10, 10]);
    const b = createImage(2, 2, [0, 0, 255]);
    for (const text of [
      '<image>\nWhat is shown?',
      'USER: <image>\nleft <image> right',
      'no images at all',
      '<image><image>',
    ]) {
      const n = text.split('<image>').length - 1;
      const prompt = { text, images: [a, b].slice(0, n) };
      const content = promptToContent(prompt);
      expect(content.filter((p) => p.type === 'image_url')).toHaveLength(n);
      const back = contentToPrompt(content);
      expect(back.text).toBe(text);
      for (const [i, img] of back.images.entries()) expect(imagesEqual(img, prompt.images[i]!)).toBe(true);
    }
  });

  it('rejects a prompt with more placeholders than images, and a non-PNG data URL', () => {
    expect(() => promptToContent({ text: '<image> <image>', images: [createImage(1, 1)] })).toThrow(
      /2 <image> placeholders but 1 images/,
    );
    expect(() => dataUrlToImage('https://example.com/cat.png')).toThrow(/data URL of a PNG/);
  });
});

describe('image limits (issue 17 item 10)', () => {
  it('reads sizes from the PNG headers and refuses before decoding; garbage is "image N is not a valid PNG"', async () => {
    const { ImageTooLargeError, pngSize } = await import('../src/index.js');
    const small = { width: 4, height: 3, data: new Uint8Array(36) };
    const url = imageToDataUrl(small);
    expect(pngSize(Buffer.from(url.split(',')[1]!, 'base64'))).toEqual({ width: 4, height: 3 });
    const part = (u: string) => ({ type: 'image_url' as const, image_url: { url: u } });
    expect(() => contentToPrompt([part(url)], { maxImagePixels: 11 })).toThrow(ImageTooLargeError);
    expect(() => contentToPrompt([part(url), part(url)], { maxPromptPixels: 20 })).toThrow(
      /up to image 2 have 24 pixels together, over the limit of 20 pixels per request/,
    );
    expect(() => contentToPrompt([part(url), part('data:image/png;base64,AAAA')])).toThrow(
      'image 2 is not a valid PNG (it does not start with a PNG header)',
    );
  });
});

describe('GenerationBatcher pixel budget', () => {
  it('splits a batch whose images would exceed maxBatchPixels', async () => {
    const { GenerationBatcher } = await import('../src/index.js');
    const sizes: number[] = [];
    const policy = {
      id: 'count',
      generate: async (prompts: unknown[]) => {
        sizes.push(prompts.length);
        return prompts.map(() => ({ text: 'x', tokenIds: [], logProbs: [] }));
      },
    };
    const batcher = new GenerationBatcher(policy as never, 20, 32, 100);
    const image = { width: 6, height: 6, data: new Uint8Array(108) }; // 36 pixels
    await Promise.all(
      Array.from({ length: 5 }, () => batcher.generate({ text: 'a', images: [image] }, { maxNewTokens: 1 })),
    );
    expect(sizes).toEqual([2, 2, 1]); // 36 + 36 ≤ 100 < 3 × 36
  });
});
