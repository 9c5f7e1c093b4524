import type { Image } from '@rl4vlm/env';
import { blit, type Mask, paintMask, type Rgb, rasterizeMask, solidImage } from './raster.js';
import { advance, drawChar, type FontWeight } from './stroke-font.js';

const strips = new Map<string, Image>();

/** How far below the line box's top a glyph strip reaches, as a fraction of the size. */
const LINE_HEIGHT = 1.3;

function glyphMask(char: string, size: number, weight: FontWeight): Mask {
  const width = Math.ceil(advance(char, size)) + 1;
  const height = Math.ceil(size * LINE_HEIGHT);
  return rasterizeMask(width, height, (ctx) => drawChar(ctx, char, 0, 0, size, weight, '#ffffff'));
}

/**
 * A character's advance box as RGB pixels: `color` ink on a solid `background`, drawn once per
 * (character, size, weight, colours) and cached. The stroke font keeps ink inside the box
 * (side bearings are wider than half a stroke), so boxes can be copied side by side.
 */
function glyphStrip(char: string, size: number, weight: FontWeight, color: Rgb, background: Rgb): Image {
  const key = `${char}|${size}|${weight}|${color.join(',')}|${background.join(',')}`;
  let strip = strips.get(key);
  if (!strip) {
    const mask = glyphMask(char, size, weight);
    strip = solidImage(mask.width, mask.height, background);
    paintMask(strip, mask, 0, 0, color);
    strips.set(key, strip);
  }
  return strip;
}

/**
 * Paints text with its line box's top-left at (x, y) over a solid `background` colour, by
 * copying cached glyph boxes: the canvas is only used the first time a glyph is needed.
 */
export function paintText(
  dst: Image,
  text: string,
  x: number,
  y: number,
  size: number,
  weight: FontWeight,
  color: Rgb,
  background: Rgb,
): void {
  let pen = x;
  for (const ch of text) {
    if (ch !== ' ')
      blit(dst, glyphStrip(ch, size, weight, color, background), Math.round(pen), Math.round(y));
    pen += advance(ch, size);
  }
}
