import { createImage } from '@rl4vlm/env';
import { describe, expect, it } from 'vitest';
import { imageToInput } from '../src/index.js';
import { readingSample } from './reading.js';

describe('imageToInput', () => {
  it('standardises each channel over the image: mean 0, variance 1, background near 0', () => {
    const input = imageToInput(readingSample([12, 7]).image, 64);
    expect(input).toHaveLength(64 * 64 * 3);
    for (let ch = 0; ch < 3; ch++) {
      const values = Array.from(input.filter((_, i) => i % 3 === ch));
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
      expect(mean).toBeCloseTo(0, 4);
      expect(variance).toBeCloseTo(1, 3);
    }
    // NumberLine's white background is most of the frame: it sits just above 0; the ink is far below.
    const corner = input[0]!;
    expect(corner).toBeGreaterThan(0);
    expect(corner).toBeLessThan(0.5);
    expect(Math.min(...input)).toBeLessThan(-2);
  });

  it('keeps a flat image finite (all zeros) and averages areas when downscaling', () => {
    expect(Array.from(imageToInput(createImage(300, 300, [200, 10, 90]), 16)).every((v) => v === 0)).toBe(
      true,
    );
    // Left half black, right half white: a 2×1 downscale gives one dark and one light pixel per row.
    const img = createImage(4, 2, [0, 0, 0]);
    for (const y of [0, 1]) for (const x of [2, 3]) img.data.set([255, 255, 255], 3 * (y * 4 + x));
    const out = imageToInput(img, 2);
    expect(out[0]).toBeCloseTo(-1, 5);
    expect(out[3]).toBeCloseTo(1, 5);
  });
});
