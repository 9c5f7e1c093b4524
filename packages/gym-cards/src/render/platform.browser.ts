import type { Path2D as SkiaPath2D } from '@napi-rs/canvas';
import { browserContext2D, createBrowserCanvas } from '@rl4vlm/env';
import type { Context2D } from './platform.js';

/**
 * The browser twin of `platform.ts`: the browser canvases of `@rl4vlm/env` (OffscreenCanvas or a
 * `<canvas>` element, read back every step) and the browser's Path2D.
 */
export type { Context2D } from './platform.js';

const OWNER = '@rl4vlm/gym-cards';

export function createContext2D(width: number, height: number): Context2D {
  return browserContext2D(createBrowserCanvas(width, height, OWNER), OWNER) as Context2D;
}

const globals = globalThis as unknown as { Path2D?: typeof SkiaPath2D };

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
