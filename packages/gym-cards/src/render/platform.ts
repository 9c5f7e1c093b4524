import { createCanvas as createSkiaCanvas, type SKRSContext2D, Path2D as SkiaPath2D } from '@napi-rs/canvas';

/**
 * Where canvases and byte buffers come from. In Node: `@napi-rs/canvas` (prebuilt Skia) and
 * Node's `Buffer`. The browser bundle swaps in `platform.browser.ts` (OffscreenCanvas or a
 * `<canvas>` element), which exports the same names; drawing code uses only the standard 2D API.
 */

/** The standard Canvas 2D context (typed as Skia's, which the browser's matches). */
export type Context2D = SKRSContext2D;

/** A 2D context on a new `width`×`height` canvas, for drawing and reading pixels back. */
export function createContext2D(width: number, height: number): Context2D {
  return createSkiaCanvas(width, height).getContext('2d');
}

/** Parsed SVG path data, stroked with `ctx.stroke(path)`. */
export const Path2D = SkiaPath2D;
export type Path2D = SkiaPath2D;

/**
 * `length` bytes that need not be zeroed, because the caller overwrites every one
 * (`Buffer.allocUnsafeSlow`: skipping the zero fill halves the cost of the per-step frame copy).
 */
export function uninitializedBytes(length: number): Uint8Array {
  const bytes = Buffer.allocUnsafeSlow(length);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}
