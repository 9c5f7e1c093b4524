import { decodePng, encodePng, type Image } from '@rl4vlm/env';
import type { Prompt } from '@rl4vlm/policy';

/** The placeholder that marks where each image goes in a prompt's text (LLaVA's convention). */
export const IMAGE_PLACEHOLDER = '<image>';

/** A chat-completions content part: text or an image URL. */
export type ContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

/** An image as a `data:image/png;base64,...` URL. */
export function imageToDataUrl(image: Image): string {
  return `data:image/png;base64,${encodePng(image).toString('base64')}`;
}

/** Decodes a PNG data URL; throws with what was expected for anything else. */
export function dataUrlToImage(url: string): Image {
  const m = /^data:image\/png;base64,([A-Za-z0-9+/=\s]+)$/.exec(url);
  if (!m) throw new TypeError('image_url.url must be a data URL of a PNG image: data:image/png;base64,...');
  return decodePng(Buffer.from(m[1]!, 'base64'));
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

/** The inverse of {@link promptToContent}: text parts joined, each image replaced by `<image>`. */
export function contentToPrompt(content: string | readonly ContentPart[]): Prompt {
  if (typeof content === 'string') return { text: content, images: [] };
  let text = '';
  const images: Image[] = [];
  for (const part of content) {
    if (part.type === 'text') text += part.text;
    else {
      text += IMAGE_PLACEHOLDER;
      images.push(dataUrlToImage(part.image_url.url));
    }
  }
  return { text, images };
}
