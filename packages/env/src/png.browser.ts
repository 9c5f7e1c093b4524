import type { decodePng as nodeDecodePng, encodePng as nodeEncodePng } from './png.js';

/**
 * The browser twin of `png.ts`: PNG files are made with `pngjs` on Node streams and zlib, which
 * the browser build leaves out. In a page, draw the RGB image onto a canvas instead
 * (`ImageData`, then `canvas.toBlob('image/png')`).
 */
const unavailable = (name: string) => () => {
  throw new Error(
    `${name} needs Node (pngjs) and is not in the browser build of @rl4vlm/env; draw the Image onto a canvas and use canvas.toBlob('image/png')`,
  );
};

export const encodePng = unavailable('encodePng') as typeof nodeEncodePng;
export const decodePng = unavailable('decodePng') as typeof nodeDecodePng;
