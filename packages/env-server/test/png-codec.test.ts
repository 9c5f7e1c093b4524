import { decodePng, encodePng, imagesEqual } from '@rl4vlm/env';
import { describe, expect, it } from 'vitest';
import { decodeWirePng, encodeWirePng } from '../src/png-codec.js';

function image(width: number, height: number, seed: number) {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761 + seed) >>> 24;
  return { width, height, data };
}

describe('wire PNG codec', () => {
  it('writes PNGs that the general decoder reads back exactly', () => {
    const img = image(37, 23, 1);
    expect(imagesEqual(decodePng(encodeWirePng(img)), img)).toBe(true);
  });

  it('reads PNGs written by the general encoder (with row filters) exactly', () => {
    const img = image(64, 48, 2);
    expect(imagesEqual(decodeWirePng(encodePng(img)), img)).toBe(true);
  });

  it('refuses bytes that are not a PNG', () => {
    expect(() => decodeWirePng(new Uint8Array(40))).toThrow(/Not a PNG/);
  });
});
