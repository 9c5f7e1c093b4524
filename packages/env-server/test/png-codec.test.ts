import { deflateSync } from 'node:zlib';
import { decodePng, encodePng, imagesEqual } from '@rl4vlm/env';
import { describe, expect, it } from 'vitest';
import { decodeWirePng, encodeWirePng } from '../src/png-codec.js';

function image(width: number, height: number, seed: number) {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761 + seed) >>> 24;
  return { width, height, data };
}

/** A PNG whose every row uses `filter` (1 Sub, 2 Up, 3 Average, 4 Paeth); CRCs left 0 (the decoder skips them). */
function filteredPng(img: { width: number; height: number; data: Uint8Array }, filter: number): Uint8Array {
  const { width, height, data } = img;
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  const at = (x: number, y: number) => (x < 0 || y < 0 ? 0 : data[y * stride + x]!);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = filter;
    for (let x = 0; x < stride; x++) {
      const a = at(x - 3, y);
      const b = at(x, y - 1);
      const c = at(x - 3, y - 1);
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const predicted = [0, a, b, (a + b) >> 1, paeth][filter]!;
      raw[y * (stride + 1) + 1 + x] = (at(x, y) - predicted) & 0xff;
    }
  }
  const chunk = (type: string, body: Uint8Array) => {
    const out = Buffer.alloc(12 + body.length);
    out.writeUInt32BE(body.length, 0);
    out.write(type, 4, 'ascii');
    out.set(body, 8);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

describe('wire PNG codec', () => {
  it.each([1, 2, 3, 4])('undoes row filter %i exactly', (filter) => {
    const img = image(19, 11, filter);
    expect(imagesEqual(decodeWirePng(filteredPng(img, filter)), img)).toBe(true);
  });

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
