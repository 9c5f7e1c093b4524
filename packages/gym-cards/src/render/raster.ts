import { type Image, imageFromRgba } from '@rl4vlm/env';
import { type Context2D, createContext2D, uninitializedBytes } from './platform.js';

/** An 8-bit coverage mask: how much of each pixel a shape covers. */
export interface Mask {
  width: number;
  height: number;
  alpha: Uint8Array;
}

/** An RGB colour as bytes. */
export type Rgb = readonly [number, number, number];

/** `#35654d` → `[53, 101, 77]`. */
export function hexToRgb(hex: string): Rgb {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new RangeError(`Expected a colour like '#35654d', got '${hex}'`);
  return [Number.parseInt(m[1]!, 16), Number.parseInt(m[2]!, 16), Number.parseInt(m[3]!, 16)];
}

/** Draws with the Canvas 2D API once and returns the pixels as RGB (the canvas is then dropped). */
export function rasterize(width: number, height: number, draw: (ctx: Context2D) => void): Image {
  const ctx = createContext2D(width, height);
  draw(ctx);
  return imageFromRgba(width, height, ctx.getImageData(0, 0, width, height).data);
}

/** Draws in white on a transparent canvas once and keeps the coverage (alpha) of each pixel. */
export function rasterizeMask(width: number, height: number, draw: (ctx: Context2D) => void): Mask {
  const ctx = createContext2D(width, height);
  draw(ctx);
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const alpha = new Uint8Array(width * height);
  for (let i = 0; i < alpha.length; i++) alpha[i] = rgba[4 * i + 3]!;
  return { width, height, alpha };
}

/**
 * A new image with the same pixels: a plain `Uint8Array` over memory that is not zeroed first
 * (in Node), since every byte is overwritten at once; this halves the cost of the per-step
 * frame copy.
 */
export function copyImage(src: Image): Image {
  const data = uninitializedBytes(src.data.length);
  data.set(src.data);
  return { width: src.width, height: src.height, data };
}

/** A solid image; callers copy it (`data.slice()`) rather than filling pixel by pixel. */
export function solidImage(width: number, height: number, color: Rgb): Image {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) {
    data[i] = color[0];
    data[i + 1] = color[1];
    data[i + 2] = color[2];
  }
  return { width, height, data };
}

/** Copies `src` into `dst` with its top-left at (x, y), clipped to `dst`, one row at a time. */
export function blit(dst: Image, src: Image, x: number, y: number): void {
  const x0 = Math.max(0, x);
  const x1 = Math.min(dst.width, x + src.width);
  if (x1 <= x0) return;
  const rowBytes = (x1 - x0) * 3;
  const d = dst.data;
  const s = src.data;
  for (let sy = Math.max(0, -y); sy < src.height && y + sy < dst.height; sy++) {
    const from = (sy * src.width + (x0 - x)) * 3;
    const to = ((y + sy) * dst.width + x0) * 3;
    d.set(s.subarray(from, from + rowBytes), to);
  }
}

/** Paints `color` through `mask` onto `dst` at (x, y): each pixel moves toward `color` by its coverage. */
export function paintMask(dst: Image, mask: Mask, x: number, y: number, color: Rgb): void {
  const [r, g, b] = color;
  for (let my = Math.max(0, -y); my < mask.height && y + my < dst.height; my++) {
    const row = (y + my) * dst.width;
    for (let mx = Math.max(0, -x); mx < mask.width && x + mx < dst.width; mx++) {
      const a = mask.alpha[my * mask.width + mx]!;
      if (a === 0) continue;
      const o = (row + x + mx) * 3;
      const d = dst.data;
      d[o] = Math.round(d[o]! + ((r - d[o]!) * a) / 255);
      d[o + 1] = Math.round(d[o + 1]! + ((g - d[o + 1]!) * a) / 255);
      d[o + 2] = Math.round(d[o + 2]! + ((b - d[o + 2]!) * a) / 255);
    }
  }
}
