import type {
  Canvas,
  Context2D,
  canvasToPng as nodeCanvasToPng,
  createCanvas as nodeCreateCanvas,
} from './platform.js';

/**
 * The browser twin of `platform.ts`: OffscreenCanvas (also in workers) or a `<canvas>` element.
 * Contexts ask for `willReadFrequently`, which keeps the canvas on the CPU rasterizer: frames
 * are read back every step.
 */
export type { Canvas, Context2D } from './platform.js';

interface CanvasLike {
  width: number;
  height: number;
  getContext(type: '2d', options: { willReadFrequently: boolean }): unknown;
}
interface BrowserGlobals {
  OffscreenCanvas?: new (width: number, height: number) => CanvasLike;
  document?: { createElement(tag: 'canvas'): CanvasLike };
}
const globals = globalThis as unknown as BrowserGlobals;

export const createCanvas: typeof nodeCreateCanvas = (width, height) => {
  if (globals.OffscreenCanvas) return new globals.OffscreenCanvas(width, height) as unknown as Canvas;
  if (globals.document) {
    const canvas = globals.document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    return canvas as unknown as Canvas;
  }
  throw new Error(
    "@rl4vlm/alfworld (browser build) needs OffscreenCanvas or document.createElement('canvas') to draw frames; in Node the package uses @napi-rs/canvas",
  );
};

export function context2D(canvas: Canvas): Context2D {
  const ctx = (canvas as unknown as CanvasLike).getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('@rl4vlm/alfworld: this browser gave no 2D canvas context');
  return ctx as Context2D;
}

export const canvasToPng: typeof nodeCanvasToPng = () => {
  throw new Error(
    "HouseholdRenderer.renderPng needs Node; in the browser draw render()'s RGB image onto a canvas and use canvas.toBlob('image/png')",
  );
};
