/** An RGB image, 8 bits per channel, row-major: pixel (x, y) starts at `3 * (y * width + x)`. */
export interface Image {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A black (or filled) RGB image. */
export function createImage(
  width: number,
  height: number,
  fill: [number, number, number] = [0, 0, 0],
): Image {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`Image size must be positive integers, got ${width}×${height}`);
  }
  const data = new Uint8Array(width * height * 3);
  if (fill.some((c) => c !== 0)) {
    for (let i = 0; i < data.length; i += 3) data.set(fill, i);
  }
  return { width, height, data };
}

/** True when `x` is a well-formed RGB {@link Image}. */
export function isImage(x: unknown): x is Image {
  if (typeof x !== 'object' || x === null) return false;
  const img = x as Partial<Image>;
  return (
    Number.isInteger(img.width) &&
    Number.isInteger(img.height) &&
    (img.width as number) > 0 &&
    (img.height as number) > 0 &&
    img.data instanceof Uint8Array &&
    img.data.length === (img.width as number) * (img.height as number) * 3
  );
}

/** Converts RGBA bytes (e.g. from a canvas) to an RGB {@link Image}, dropping alpha. */
export function imageFromRgba(width: number, height: number, rgba: Uint8Array | Uint8ClampedArray): Image {
  if (rgba.length !== width * height * 4) {
    throw new RangeError(`RGBA buffer has ${rgba.length} bytes, expected ${width * height * 4}`);
  }
  const data = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    data[j] = rgba[i]!;
    data[j + 1] = rgba[i + 1]!;
    data[j + 2] = rgba[i + 2]!;
  }
  return { width, height, data };
}

/**
 * The image as RGBA bytes, alpha 255 everywhere: what a canvas (`new ImageData(rgba, w, h)`) or a
 * GIF encoder takes. The inverse of {@link imageFromRgba}.
 */
export function imageToRgba(image: Image): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(image.width * image.height * 4);
  for (let i = 0, j = 0; j < image.data.length; i += 4, j += 3) {
    rgba[i] = image.data[j]!;
    rgba[i + 1] = image.data[j + 1]!;
    rgba[i + 2] = image.data[j + 2]!;
    rgba[i + 3] = 255;
  }
  return rgba;
}

/** Two images are equal when size and every byte match. */
export function imagesEqual(a: Image, b: Image): boolean {
  if (a.width !== b.width || a.height !== b.height || a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}
