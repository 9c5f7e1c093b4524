import { decodePng, encodePng, type Image } from '@rl4vlm/env';
import type { Prompt } from '@rl4vlm/policy';
import { pngSize } from './png-header.js';

/** The placeholder that marks where each image goes in a prompt's text (LLaVA's convention). */
export const IMAGE_PLACEHOLDER = '<image>';

/** A chat-completions content part: text or an image URL. */
export type ContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

/** An image as a `data:image/png;base64,...` URL. */
export function imageToDataUrl(image: Image): string {
  return `data:image/png;base64,${encodePng(image).toString('base64')}`;
}

/** Limits on the images of one prompt, checked from the PNG headers before anything is decoded. */
export interface ImageLimits {
  /** Most pixels in one image. */
  maxImagePixels?: number;
  /** Most pixels in all images of the prompt together. */
  maxPromptPixels?: number;
}

/** An image over a pixel limit (the server answers 413). */
export class ImageTooLargeError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'ImageTooLargeError';
  }
}

function pngBytes(url: string, label: string): Buffer {
  const m = /^data:image\/png;base64,([A-Za-z0-9+/=\s]+)$/.exec(url);
  if (!m)
    throw new TypeError(
      `${label}: image_url.url must be a data URL of a PNG image: data:image/png;base64,...`,
    );
  return Buffer.from(m[1]!, 'base64');
}

function decodeChecked(bytes: Buffer, label: string): Image {
  if (!pngSize(bytes))
    throw new TypeError(`${label} is not a valid PNG (it does not start with a PNG header)`);
  try {
    return decodePng(bytes);
  } catch {
    // The decoder's own message ("invalid distance too far back", …) means nothing to a client.
    throw new TypeError(`${label} is not a valid PNG (its image data is cut off or corrupt)`);
  }
}

/** Decodes a PNG data URL; throws with what was expected for anything else. */
export function dataUrlToImage(url: string, limits: ImageLimits = {}): Image {
  return contentToPrompt([{ type: 'image_url', image_url: { url } }], limits).images[0]!;
}

/**
 * A prompt as the content of one user message: the text split at each `<image>`, with the
 * prompt's images in between, in order. Images beyond the placeholders are appended.
 */
export function promptToContent(prompt: Prompt): ContentPart[] {
  const segments = prompt.text.split(IMAGE_PLACEHOLDER);
  const parts: ContentPart[] = [];
  segments.forEach((text, i) => {
    if (i > 0) {
      const image = prompt.images[i - 1];
      if (!image)
        throw new RangeError(
          `The prompt has ${segments.length - 1} ${IMAGE_PLACEHOLDER} placeholders but ${prompt.images.length} images`,
        );
      parts.push({ type: 'image_url', image_url: { url: imageToDataUrl(image) } });
    }
    if (text.length > 0) parts.push({ type: 'text', text });
  });
  for (const image of prompt.images.slice(segments.length - 1)) {
    parts.push({ type: 'image_url', image_url: { url: imageToDataUrl(image) } });
  }
  return parts;
}

/**
 * The inverse of {@link promptToContent}: text parts joined, each image replaced by `<image>`.
 * Every image's size is read from its PNG header and checked against `limits` before any image
 * is decoded; errors name the image (1-based, in order).
 */
export function contentToPrompt(content: string | readonly ContentPart[], limits: ImageLimits = {}): Prompt {
  if (typeof content === 'string') return { text: content, images: [] };
  const maxImage = limits.maxImagePixels ?? Number.POSITIVE_INFINITY;
  const maxPrompt = limits.maxPromptPixels ?? Number.POSITIVE_INFINITY;
  const encoded: { bytes: Buffer; label: string }[] = [];
  let total = 0;
  for (const part of content) {
    if (part.type !== 'image_url') continue;
    const label = `image ${encoded.length + 1}`;
    const bytes = pngBytes(part.image_url.url, label);
    const size = pngSize(bytes);
    if (!size) throw new TypeError(`${label} is not a valid PNG (it does not start with a PNG header)`);
    const pixels = size.width * size.height;
    if (pixels > maxImage)
      throw new ImageTooLargeError(
        `${label} of ${size.width}×${size.height} pixels exceeds the limit of ${maxImage} pixels per image`,
      );
    total += pixels;
    if (total > maxPrompt)
      throw new ImageTooLargeError(
        `the images up to ${label} have ${total} pixels together, over the limit of ${maxPrompt} pixels per request`,
      );
    encoded.push({ bytes, label });
  }
  let text = '';
  const images: Image[] = [];
  for (const part of content) {
    if (part.type === 'text') text += part.text;
    else {
      text += IMAGE_PLACEHOLDER;
      const { bytes, label } = encoded[images.length]!;
      images.push(decodeChecked(bytes, label));
    }
  }
  return { text, images };
}
