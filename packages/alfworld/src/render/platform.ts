import {
  createCanvas as createSkiaCanvas,
  type SKRSContext2D,
  type Canvas as SkiaCanvas,
} from '@napi-rs/canvas';

/**
 * Where canvases come from. In Node: `@napi-rs/canvas` (prebuilt Skia). The browser bundle swaps
 * in `platform.browser.ts` (OffscreenCanvas or a `<canvas>` element), which exports the same
 * names; drawing code uses only the standard Canvas 2D API.
 */

/** A canvas (typed as Skia's; a browser's OffscreenCanvas has the members used here). */
export type Canvas = SkiaCanvas;
/** The standard Canvas 2D context. */
export type Context2D = SKRSContext2D;

/** A new `width`×`height` canvas. */
export function createCanvas(width: number, height: number): Canvas {
  return createSkiaCanvas(width, height);
}

/** The 2D context of a canvas made by {@link createCanvas}, for drawing and reading pixels back. */
export function context2D(canvas: Canvas): Context2D {
  return canvas.getContext('2d');
}

/** The canvas as a PNG file. */
export function canvasToPng(canvas: Canvas): Buffer {
  return canvas.toBuffer('image/png');
}
