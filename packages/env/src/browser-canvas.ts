/**
 * Canvases for an env's browser build (its `*.browser.ts` platform twin), where the Node build
 * uses `@napi-rs/canvas`: OffscreenCanvas (also in workers) or a `<canvas>` element. Contexts ask
 * for `willReadFrequently`, which keeps the canvas on the CPU rasterizer: frames are read back
 * every step, and GPU rasterization could change antialiased pixels.
 */

/** The members of a browser canvas that env renderers use. */
export interface BrowserCanvas {
  width: number;
  height: number;
  getContext(type: '2d', options: { willReadFrequently: boolean }): unknown;
}

interface BrowserGlobals {
  OffscreenCanvas?: new (width: number, height: number) => BrowserCanvas;
  document?: { createElement(tag: 'canvas'): BrowserCanvas };
}

/**
 * A new `width`×`height` canvas in a browser or a worker. Throws, naming `owner` (the package
 * that draws), where there is neither OffscreenCanvas nor `document`.
 */
export function createBrowserCanvas(width: number, height: number, owner: string): BrowserCanvas {
  const globals = globalThis as unknown as BrowserGlobals;
  if (globals.OffscreenCanvas) return new globals.OffscreenCanvas(width, height);
  if (globals.document) {
    const canvas = globals.document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    return canvas;
  }
  throw new Error(
    `${owner} (browser build) needs OffscreenCanvas or document.createElement('canvas') to draw frames; in Node it uses @napi-rs/canvas`,
  );
}

/**
 * The 2D context of `canvas`, read back often (`willReadFrequently`); the caller types it as its
 * Canvas 2D context. Throws, naming `owner`, when the browser gives none.
 */
export function browserContext2D(canvas: BrowserCanvas, owner: string): unknown {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error(`${owner}: this browser gave no 2D canvas context`);
  return ctx;
}
