import { type Image, imageFromRgba } from '@rl4vlm/env';
import { drawPixelText } from './pixel-font.js';
import { context2D, createCanvas } from './platform.js';

/**
 * A frame that shows text (word-wrapped, pixel font): what the bridge's `render()` returns when
 * the backend sends no pictures (ALFWorld's TextWorld env has none).
 */
export function renderTextFrame(text: string, size = 300): Image {
  const canvas = createCanvas(size, size);
  const ctx = context2D(canvas);
  ctx.fillStyle = '#1d1f24';
  ctx.fillRect(0, 0, size, size);
  const perLine = Math.max(1, Math.floor((size - 8) / 6));
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      const next = line ? `${line} ${word}` : word;
      if (next.length > perLine && line) {
        lines.push(line);
        line = word.slice(0, perLine);
      } else line = next.slice(0, perLine);
    }
    lines.push(line);
  }
  lines.slice(0, Math.floor((size - 8) / 10)).forEach((line, i) => {
    drawPixelText(ctx, line, 4, 4 + i * 10, '#fbfaf6');
  });
  return imageFromRgba(size, size, ctx.getImageData(0, 0, size, size).data);
}
