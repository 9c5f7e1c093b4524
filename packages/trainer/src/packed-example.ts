import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Image, Prompt } from '@rl4vlm/env';
import type { SftExample } from './sft.js';

interface PackedImage {
  width: number;
  height: number;
  deflated: Uint8Array;
}

/**
 * The same example with its prompt images kept deflated; `prompt` inflates them on every read.
 *
 * Why: an oracle dataset holds every step's frame. Points24's 4,096 episodes are ~29,000 frames of
 * 300×300 RGB, 7.8 GB raw, and the policy's per-image input cache (keyed by the image object) kept
 * another 5.7 GB alive while the dataset lived: two such SFT runs did not fit in 24 GiB. Card
 * frames are mostly flat background and deflate ~30× (a Points24 frame: 270,000 → 8,781 bytes).
 * The price: a read costs one inflate (~1 CPU-ms) and, the image objects being fresh, the
 * policy converts the frame again (~1 CPU-ms at 128 px): ~16 ms of a ~450 ms Points24 SFT step
 * (batch 8). Lossless: the prompt read back equals the original byte for byte.
 */
export function packExample(example: SftExample): SftExample {
  const { text, images } = example.prompt;
  if (images.length === 0) return example;
  const packed: PackedImage[] = images.map((image) => ({
    width: image.width,
    height: image.height,
    // Level 1: ~4× faster than the default for a few per cent more bytes on these frames.
    deflated: deflateRawSync(image.data, { level: 1 }),
  }));
  const out: SftExample = {
    get prompt(): Prompt {
      return { text, images: packed.map(unpackImage) };
    },
    target: example.target,
  };
  if (example.info !== undefined) out.info = example.info;
  return out;
}

function unpackImage(p: PackedImage): Image {
  const data = new Uint8Array(inflateRawSync(p.deflated));
  return { width: p.width, height: p.height, data };
}
