import * as gifencModule from 'gifenc';
import { createImage, type Image, imageToRgba } from './image.js';
import { encodePng } from './png.js';

/** Lays frames side by side (wrapping after `columns`) into one image, with a gap between them. */
export function frameStrip(frames: readonly Image[], { columns = frames.length, gap = 4 } = {}): Image {
  if (frames.length === 0) throw new RangeError('frameStrip needs at least one frame');
  const w = Math.max(...frames.map((f) => f.width));
  const h = Math.max(...frames.map((f) => f.height));
  const cols = Math.max(1, Math.min(columns, frames.length));
  const rows = Math.ceil(frames.length / cols);
  const out = createImage(cols * w + (cols - 1) * gap, rows * h + (rows - 1) * gap, [255, 255, 255]);
  frames.forEach((f, i) => {
    const x0 = (i % cols) * (w + gap);
    const y0 = Math.floor(i / cols) * (h + gap);
    for (let y = 0; y < f.height; y++) {
      const src = f.data.subarray(y * f.width * 3, (y + 1) * f.width * 3);
      out.data.set(src, ((y0 + y) * out.width + x0) * 3);
    }
  });
  return out;
}

/** An episode as a PNG strip (frames side by side), for people and reports. */
export function episodeToPngStrip(
  frames: readonly Image[],
  options?: { columns?: number; gap?: number },
): Buffer {
  return encodePng(frameStrip(frames, options));
}

/** An episode as an animated GIF; `delayMs` is the time each frame is shown. */
// gifenc's CommonJS build (Node) puts everything on the default export; its ESM build (bundlers) has named exports.
const gifenc: typeof gifencModule.default =
  typeof (gifencModule as any).GIFEncoder === 'function' ? (gifencModule as any) : gifencModule.default;
const { GIFEncoder, applyPalette, quantize } = gifenc;

export function episodeToGif(frames: readonly Image[], { delayMs = 500 } = {}): Uint8Array {
  if (frames.length === 0) throw new RangeError('episodeToGif needs at least one frame');
  const gif = GIFEncoder();
  for (const f of frames) {
    const rgba = imageToRgba(f);
    const palette = quantize(rgba, 256, { format: 'rgb565' });
    gif.writeFrame(applyPalette(rgba, palette, 'rgb565'), f.width, f.height, { palette, delay: delayMs });
  }
  gif.finish();
  return gif.bytes();
}
