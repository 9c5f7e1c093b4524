import { type BrowserCanvas, browserContext2D, createBrowserCanvas } from '@rl4vlm/env';
import type {
  Canvas,
  Context2D,
  canvasToPng as nodeCanvasToPng,
  createCanvas as nodeCreateCanvas,
} from './platform.js';

/**
 * The browser twin of `platform.ts`: the browser canvases of `@rl4vlm/env` (OffscreenCanvas or a
 * `<canvas>` element, read back every step).
 */
export type { Canvas, Context2D } from './platform.js';

const OWNER = '@rl4vlm/alfworld';

export const createCanvas: typeof nodeCreateCanvas = (width, height) =>
  createBrowserCanvas(width, height, OWNER) as unknown as Canvas;

export function context2D(canvas: Canvas): Context2D {
  return browserContext2D(canvas as unknown as BrowserCanvas, OWNER) as Context2D;
}

export const canvasToPng: typeof nodeCanvasToPng = () => {
  throw new Error(
    "HouseholdRenderer.renderPng needs Node; in the browser draw render()'s RGB image onto a canvas and use canvas.toBlob('image/png')",
  );
};
