import type { Path2D as SkiaPath2D } from '@napi-rs/canvas';
import type { Context2D } from './platform.js';

/**
 * The browser twin of `platform.ts`: OffscreenCanvas (also in workers) or a `<canvas>` element.
 * Contexts ask for `willReadFrequently`, which keeps the canvas on the CPU rasterizer: frames
 * are read back every step, and GPU rasterization could change antialiased pixels.
 */
export type { Context2D } from './platform.js';

interface CanvasLike {
  width: number;
  height: number;
  getContext(type: '2d', options: { willReadFrequently: boolean }): unknown;
}
interface BrowserGlobals {
  OffscreenCanvas?: new (width: number, height: number) => CanvasLike;
  document?: { createElement(tag: 'canvas'): CanvasLike };
  Path2D?: typeof SkiaPath2D;
}
const globals = globalThis as unknown as BrowserGlobals;

export function createContext2D(width: number, height: number): Context2D {
  let canvas: CanvasLike;
  if (globals.OffscreenCanvas) canvas = new globals.OffscreenCanvas(width, height);
  else if (globals.document) {
    canvas = globals.document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
  } else {
    throw new Error(
      "@rl4vlm/gym-cards (browser build) needs OffscreenCanvas or document.createElement('canvas') to draw frames; in Node the package uses @napi-rs/canvas",
    );
  }
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('@rl4vlm/gym-cards: this browser gave no 2D canvas context');
  return ctx as Context2D;
}

export const Path2D: typeof SkiaPath2D =
  globals.Path2D ??
  (class {
    constructor() {
      throw new Error('@rl4vlm/gym-cards (browser build): this browser has no Path2D');
    }
  } as unknown as typeof SkiaPath2D);

export type Path2D = SkiaPath2D;

export function uninitializedBytes(length: number): Uint8Array {
  return new Uint8Array(length);
}
