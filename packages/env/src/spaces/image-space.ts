import { type Image, isImage } from '../image.js';
import type { Rng } from '../rng.js';
import type { Space, SpaceJSON } from './space.js';

/** RGB images of a fixed size (`height × width × 3`, uint8). */
export class ImageSpace implements Space<Image> {
  readonly height: number;
  readonly width: number;
  readonly channels = 3 as const;

  constructor(height: number, width: number, channels: 3 = 3) {
    if (!Number.isInteger(height) || !Number.isInteger(width) || height <= 0 || width <= 0) {
      throw new RangeError(`ImageSpace needs positive integer height and width, got ${height}×${width}`);
    }
    if (channels !== 3) throw new RangeError(`ImageSpace supports RGB (3 channels) only, got ${channels}`);
    this.height = height;
    this.width = width;
  }

  sample(rng: Rng): Image {
    const data = new Uint8Array(this.height * this.width * 3);
    for (let i = 0; i < data.length; i++) data[i] = rng.int(0, 255);
    return { width: this.width, height: this.height, data };
  }

  contains(x: unknown): x is Image {
    return isImage(x) && x.width === this.width && x.height === this.height;
  }

  toJSON(): SpaceJSON {
    return { type: 'Image', height: this.height, width: this.width, channels: 3 };
  }
}
