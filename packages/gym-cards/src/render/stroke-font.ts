import { type Context2D, Path2D } from './platform.js';

/**
 * Our own single-stroke font for the few characters the games show. Drawing text from paths
 * (instead of a system font) makes every frame identical on every machine: upstream RL4VLM
 * needed a DejaVu font at a relative path, and substitutes changed the images (its issue #16).
 *
 * Glyphs are SVG path data in font units: capitals span y = 0 (top) to 10 (baseline),
 * lower case starts at y = 4, descenders reach 13.5. `width` is the ink width; advance adds 2.
 */
interface GlyphDef {
  width: number;
  path: string;
}

const GLYPHS: Record<string, GlyphDef> = {
  '0': { width: 6, path: 'M3,0 A3,5 0 1,0 3,10 A3,5 0 1,0 3,0' },
  '1': { width: 5, path: 'M0.5,2 L3,0 L3,10 M0.5,10 L5.5,10' },
  '2': { width: 6, path: 'M0.4,2.4 A2.8,2.5 0 1,1 5.2,4.4 L0,10 L6,10' },
  '3': { width: 6, path: 'M0.5,1.2 A2.9,2.45 0 1,1 2.6,4.9 A3,2.55 0 1,1 0.2,8.8' },
  '4': { width: 6, path: 'M4.6,10 L4.6,0 L0,7 L6.2,7' },
  '5': { width: 6, path: 'M5.5,0 L1,0 L0.6,4.6 A3,2.8 0 1,1 0.3,9.1' },
  '6': { width: 6, path: 'M5.2,0.8 C3,-0.6 0.2,0.6 0.2,6.6 M0.2,7 A2.9,3 0 1,0 6,7 A2.9,3 0 1,0 0.2,7' },
  '7': { width: 6, path: 'M0,0 L6,0 L2,10' },
  '8': {
    width: 6,
    path: 'M3,0 A2.5,2.4 0 1,0 3,4.8 A2.5,2.4 0 1,0 3,0 M3,4.8 A2.95,2.6 0 1,0 3,10 A2.95,2.6 0 1,0 3,4.8',
  },
  '9': { width: 6, path: 'M5.8,3 A2.9,3 0 1,0 0,3 A2.9,3 0 1,0 5.8,3 M5.8,3.4 C5.8,9.4 3,10.6 0.8,9.2' },
  '+': { width: 6, path: 'M3,3 L3,9 M0,6 L6,6' },
  '-': { width: 4, path: 'M0,6 L4,6' },
  '*': { width: 5, path: 'M2.5,0.5 L2.5,5.5 M0.3,1.75 L4.7,4.25 M0.3,4.25 L4.7,1.75' },
  '/': { width: 4, path: 'M4,-0.5 L0,10.5' },
  '(': { width: 2.5, path: 'M2.5,-0.8 Q-0.6,5 2.5,10.8' },
  ')': { width: 2.5, path: 'M0,-0.8 Q3.1,5 0,10.8' },
  '=': { width: 6, path: 'M0,4.5 L6,4.5 M0,7.5 L6,7.5' },
  ':': { width: 0.5, path: 'M0.25,4.6 L0.25,4.7 M0.25,9.5 L0.25,9.6' },
  A: { width: 7, path: 'M0,10 L3.5,0 L7,10 M1.3,6.4 L5.7,6.4' },
  C: { width: 6.2, path: 'M6.2,1.6 A3.9,5 0 1,0 6.2,8.4' },
  D: { width: 6.4, path: 'M0,0 L0,10 L2.4,10 A4,5 0 0,0 2.4,0 Z' },
  F: { width: 5.2, path: 'M5.2,0 L0,0 L0,10 M0,4.8 L4.6,4.8' },
  J: { width: 4.6, path: 'M4.6,0 L4.6,7.4 A2.3,2.6 0 0,1 0,7.4' },
  K: { width: 6.2, path: 'M0,0 L0,10 M6,0 L0,6.4 M2.2,4.1 L6.2,10' },
  P: { width: 5.6, path: 'M0,10 L0,0 L2.9,0 A2.7,2.7 0 0,1 2.9,5.4 L0,5.4' },
  Q: { width: 7.4, path: 'M3.7,0 A3.7,5 0 1,0 3.7,10 A3.7,5 0 1,0 3.7,0 M4.2,7.2 L7.4,10.8' },
  T: { width: 7, path: 'M0,0 L7,0 M3.5,0 L3.5,10' },
  a: { width: 5, path: 'M5,4 L5,10 M5,7 A2.5,3 0 1,0 0,7 A2.5,3 0 1,0 5,7' },
  e: { width: 5.4, path: 'M0.1,7 L5.4,7 A2.7,3 0 1,0 4.7,9.2' },
  g: { width: 5, path: 'M5,7 A2.5,3 0 1,0 0,7 A2.5,3 0 1,0 5,7 M5,4 L5,11.2 A2.5,2.3 0 0,1 0.4,12.4' },
  l: { width: 0.1, path: 'M0,0 L0,10' },
  m: {
    width: 7.6,
    path: 'M0,10 L0,4 M0,6.2 A1.9,2.2 0 0,1 3.8,6.2 L3.8,10 M3.8,6.2 A1.9,2.2 0 0,1 7.6,6.2 L7.6,10',
  },
  n: { width: 5, path: 'M0,10 L0,4 M0,6.6 A2.5,2.6 0 0,1 5,6.6 L5,10' },
  o: { width: 5.4, path: 'M2.7,4 A2.7,3 0 1,0 2.7,10 A2.7,3 0 1,0 2.7,4' },
  r: { width: 3.8, path: 'M0,10 L0,4 M0,6.8 A3.2,2.9 0 0,1 3.8,4.2' },
  t: { width: 3.6, path: 'M1.2,1.4 L1.2,8.8 Q1.2,10 3.6,9.9 M0,4 L3.4,4' },
  u: { width: 5, path: 'M0,4 L0,7.4 A2.5,2.6 0 0,0 5,7.4 M5,4 L5,10' },
  y: { width: 5.4, path: 'M0,4 L2.7,10 M5.4,4 L2.1,12.4 Q1.6,13.6 0.2,13.2' },
  ' ': { width: 2, path: '' },
};

/** Characters the font can draw. */
export const FONT_CHARACTERS = Object.keys(GLYPHS).join('');

/** Font units per pixel of font size: capitals are 10 units = 0.7 × size. */
const UNITS_PER_EM = 14.3;
/** Blank space above the capitals, as a fraction of size, so `y` is the top of the line box as in PIL. */
const TOP_GAP = 0.2;

export type FontWeight = 'regular' | 'bold';

const paths = new Map<string, Path2D>();
function glyphPath(char: string): Path2D {
  let p = paths.get(char);
  if (!p) {
    p = new Path2D(glyph(char).path);
    paths.set(char, p);
  }
  return p;
}

function glyph(char: string): GlyphDef {
  const g = GLYPHS[char];
  if (!g) throw new RangeError(`The stroke font has no glyph for '${char}'; it draws: ${FONT_CHARACTERS}`);
  return g;
}

/** The horizontal advance of a character at `size` px, in px. */
export function advance(char: string, size: number): number {
  return ((glyph(char).width + 2.2) * size) / UNITS_PER_EM;
}

/** The width of a string at `size` px. */
export function textWidth(text: string, size: number): number {
  let w = 0;
  for (const ch of text) w += advance(ch, size);
  return w;
}

/** Stroke width in px for a size and weight. */
export function strokeWidth(size: number, weight: FontWeight): number {
  return ((weight === 'bold' ? 2.0 : 1.25) * size) / UNITS_PER_EM;
}

/**
 * Draws one character with its line box's top-left at (x, y) onto a standard 2D context.
 * Only the standard context API is used (paths, transforms, stroke), so any Canvas 2D works.
 */
export function drawChar(
  ctx: Context2D,
  char: string,
  x: number,
  y: number,
  size: number,
  weight: FontWeight,
  color: string,
): void {
  const def = glyph(char);
  if (!def.path) return;
  const unit = size / UNITS_PER_EM;
  ctx.save();
  ctx.translate(x + 1.1 * unit, y + TOP_GAP * size);
  ctx.scale(unit, unit);
  ctx.lineWidth = strokeWidth(size, weight) / unit;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = color;
  ctx.stroke(glyphPath(char));
  ctx.restore();
}

/** Draws a string with its line box's top-left at (x, y). */
export function drawText(
  ctx: Context2D,
  text: string,
  x: number,
  y: number,
  size: number,
  weight: FontWeight,
  color: string,
): void {
  let pen = x;
  for (const ch of text) {
    drawChar(ctx, ch, pen, y, size, weight, color);
    pen += advance(ch, size);
  }
}
