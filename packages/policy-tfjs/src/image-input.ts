import type { Image } from '@rl4vlm/env';

const cache = new WeakMap<Image, Map<number, Float32Array>>();

/**
 * Downscales an RGB image to `size × size` by area averaging (each output pixel is the mean of
 * the source pixels it covers), then standardises each channel over the image (zero mean, unit
 * variance, as `tf.image.per_image_standardization`). Cached per image object.
 *
 * Why per image: env frames are mostly a flat background, which a fixed [-1, 1] scaling turns
 * into the same large input for every image. The encoder then starts out with nearly identical
 * tokens whose common part drowns what differs (the digits), and the tiny preset did not learn
 * to read NumberLine at all in 2 minutes (0% held out); standardised, the background is near 0
 * and it reads 100% (see the README's learning test).
 */
export function imageToInput(image: Image, size: number): Float32Array {
  let bySize = cache.get(image);
  const hit = bySize?.get(size);
  if (hit) return hit;
  const { width, height, data } = image;
  const out = new Float32Array(size * size * 3);
  for (let oy = 0; oy < size; oy++) {
    const y0 = (oy * height) / size;
    const y1 = ((oy + 1) * height) / size;
    for (let ox = 0; ox < size; ox++) {
      const x0 = (ox * width) / size;
      const x1 = ((ox + 1) * width) / size;
      let r = 0;
      let g = 0;
      let b = 0;
      let area = 0;
      for (let y = Math.floor(y0); y < Math.ceil(y1); y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.ceil(x1); x++) {
          const w = wy * (Math.min(x + 1, x1) - Math.max(x, x0));
          const i = 3 * (y * width + x);
          r += w * data[i]!;
          g += w * data[i + 1]!;
          b += w * data[i + 2]!;
          area += w;
        }
      }
      const o = 3 * (oy * size + ox);
      out[o] = r / area / 255;
      out[o + 1] = g / area / 255;
      out[o + 2] = b / area / 255;
    }
  }
  standardise(out);
  if (!bySize) {
    bySize = new Map();
    cache.set(image, bySize);
  }
  bySize.set(size, out);
  return out;
}

/** Per channel of interleaved RGB: `(x − mean) / max(std, 1/√n)` (the floor keeps flat images finite). */
function standardise(rgb: Float32Array): void {
  const n = rgb.length / 3;
  for (let ch = 0; ch < 3; ch++) {
    let sum = 0;
    let squares = 0;
    for (let i = ch; i < rgb.length; i += 3) {
      sum += rgb[i]!;
      squares += rgb[i]! * rgb[i]!;
    }
    const mean = sum / n;
    const std = Math.max(Math.sqrt(Math.max(squares / n - mean * mean, 0)), 1 / Math.sqrt(n));
    for (let i = ch; i < rgb.length; i += 3) rgb[i] = (rgb[i]! - mean) / std;
  }
}
