import type { Image } from '@rl4vlm/env';

const cache = new WeakMap<Image, Map<number, Float32Array>>();

/**
 * Downscales an RGB image to `size × size` by area averaging (each output pixel is the mean of
 * the source pixels it covers) and normalises to [-1, 1]. Cached per image object.
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
      out[o] = r / area / 127.5 - 1;
      out[o + 1] = g / area / 127.5 - 1;
      out[o + 2] = b / area / 127.5 - 1;
    }
  }
  if (!bySize) {
    bySize = new Map();
    cache.set(image, bySize);
  }
  bySize.set(size, out);
  return out;
}
