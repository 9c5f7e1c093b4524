import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createImage,
  decodePng,
  encodePng,
  episodeToGif,
  episodeToPngStrip,
  frameStrip,
  imageFromRgba,
  imagesEqual,
  imageToRgba,
} from '../src/index.js';

describe('Image and PNG', () => {
  it('round-trips any RGB image through PNG exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer(),
        (w, h, s) => {
          const img = createImage(w, h);
          for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 31 + s) & 255;
          const back = decodePng(encodePng(img));
          expect(imagesEqual(back, img)).toBe(true);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('writes a real PNG file (signature) and converts RGBA', () => {
    const png = encodePng(createImage(3, 2, [255, 0, 0]));
    expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const rgb = imageFromRgba(1, 1, new Uint8Array([1, 2, 3, 4]));
    expect([...rgb.data]).toEqual([1, 2, 3]);
    expect(() => imageFromRgba(2, 2, new Uint8Array(3))).toThrow(/expected 16/);
    expect(() => createImage(0, 1)).toThrow(/positive/);
  });

  it('converts to RGBA with opaque alpha, the inverse of imageFromRgba', () => {
    expect([...imageToRgba(imageFromRgba(2, 1, new Uint8Array([1, 2, 3, 9, 4, 5, 6, 0])))]).toEqual([
      1, 2, 3, 255, 4, 5, 6, 255,
    ]);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer(),
        (w, h, seed) => {
          const img = createImage(w, h);
          for (let i = 0; i < img.data.length; i++) img.data[i] = (seed * 31 + i * 7) & 255;
          expect(imagesEqual(imageFromRgba(w, h, imageToRgba(img)), img)).toBe(true);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('lays frames into a strip and writes an animated GIF', () => {
    const frames = [
      createImage(4, 3, [255, 0, 0]),
      createImage(4, 3, [0, 255, 0]),
      createImage(4, 3, [0, 0, 255]),
    ];
    const strip = frameStrip(frames, { gap: 2 });
    expect(strip.width).toBe(3 * 4 + 2 * 2);
    expect(strip.height).toBe(3);
    expect([...strip.data.subarray(0, 3)]).toEqual([255, 0, 0]);
    expect([...strip.data.subarray((6 + 0) * 3, (6 + 0) * 3 + 3)]).toEqual([0, 255, 0]);
    expect([...strip.data.subarray(4 * 3, 4 * 3 + 3)]).toEqual([255, 255, 255]); // the gap
    const dir = mkdtempSync(join(tmpdir(), 'rl4vlm-env-'));
    writeFileSync(join(dir, 'strip.png'), episodeToPngStrip(frames));
    expect(decodePng(readFileSync(join(dir, 'strip.png'))).width).toBe(3 * 4 + 2 * 4);
    const gif = episodeToGif(frames, { delayMs: 100 });
    expect(Buffer.from(gif.subarray(0, 6)).toString('latin1')).toBe('GIF89a');
    // one image descriptor (0x2C) per frame at least
    expect(gif.filter((b) => b === 0x2c).length).toBeGreaterThanOrEqual(3);
    expect(() => episodeToGif([])).toThrow(/at least one frame/);
  });
});
