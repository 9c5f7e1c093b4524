import { drawPixelText, textWidth } from './pixel-font.js';
import { type Canvas, type Context2D, context2D, createCanvas } from './platform.js';

const MAX_CACHED_LABELS = 4096;

/**
 * Labels in the pixel font, each drawn once per colour into a small canvas and then stamped
 * with one `drawImage` (the renderer's hot path: names repeat from frame to frame). Same
 * pixels as {@link drawPixelText}: nearest-neighbour scaling, no smoothing.
 */
export class GlyphAtlas {
  private readonly labels = new Map<string, Canvas>();

  private label(text: string, color: string): Canvas {
    const key = `${color}\u0000${text}`;
    let canvas = this.labels.get(key);
    if (!canvas) {
      if (this.labels.size >= MAX_CACHED_LABELS) this.labels.clear();
      canvas = createCanvas(Math.max(1, textWidth(text)), 7);
      drawPixelText(context2D(canvas), text, 0, 0, color);
      this.labels.set(key, canvas);
    }
    return canvas;
  }

  /** Draws upper-cased `text` at (x, y) in `color`, `scale` canvas units per font pixel. */
  draw(ctx: Context2D, text: string, x: number, y: number, color: string, scale = 1): void {
    if (!text.trim()) return;
    const label = this.label(text.toUpperCase(), color);
    const smoothing = ctx.imageSmoothingEnabled;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(label, x, y, label.width * scale, 7 * scale);
    ctx.imageSmoothingEnabled = smoothing;
  }
}
