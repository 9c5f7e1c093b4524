import { PNG } from 'pngjs';
import { type Image, imageFromRgba, isImage } from './image.js';

/** Encodes an RGB image as a PNG file. */
export function encodePng(image: Image): Buffer {
  if (!isImage(image))
    throw new TypeError('encodePng expects an RGB Image {width, height, data: Uint8Array}');
  const png = new PNG({
    width: image.width,
    height: image.height,
    colorType: 2,
    inputColorType: 2,
    inputHasAlpha: false,
  });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false });
}

/** Decodes a PNG file into an RGB image (alpha is dropped). */
export function decodePng(bytes: Uint8Array): Image {
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return imageFromRgba(png.width, png.height, png.data);
}
