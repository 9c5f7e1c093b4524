import { createImage, imagesEqual } from '@rl4vlm/env';
import { describe, expect, it } from 'vitest';
import { contentToPrompt, dataUrlToImage, promptToContent } from '../src/index.js';

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
