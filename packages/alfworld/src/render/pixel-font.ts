/**
 * A 5×7 pixel font drawn with `fillRect`, so labels look the same on every machine whatever
 * fonts are installed (canvas `fillText` depends on system fonts). Upper-case only.
 */

/** Minimal 2D context surface the font needs (standard Canvas 2D). */
export interface RectPainter {
  fillStyle: unknown;
  fillRect(x: number, y: number, w: number, h: number): void;
}

const ROWS: Record<string, string> = {
  A: '01110 10001 10001 11111 10001 10001 10001',
  B: '11110 10001 10001 11110 10001 10001 11110',
  C: '01110 10001 10000 10000 10000 10001 01110',
  D: '11110 10001 10001 10001 10001 10001 11110',
  E: '11111 10000 10000 11110 10000 10000 11111',
  F: '11111 10000 10000 11110 10000 10000 10000',
  G: '01110 10001 10000 10111 10001 10001 01111',
  H: '10001 10001 10001 11111 10001 10001 10001',
  I: '01110 00100 00100 00100 00100 00100 01110',
  J: '00111 00010 00010 00010 00010 10010 01100',
  K: '10001 10010 10100 11000 10100 10010 10001',
  L: '10000 10000 10000 10000 10000 10000 11111',
  M: '10001 11011 10101 10101 10001 10001 10001',
  N: '10001 10001 11001 10101 10011 10001 10001',
  O: '01110 10001 10001 10001 10001 10001 01110',
  P: '11110 10001 10001 11110 10000 10000 10000',
  Q: '01110 10001 10001 10001 10101 10010 01101',
  R: '11110 10001 10001 11110 10100 10010 10001',
  S: '01111 10000 10000 01110 00001 00001 11110',
  T: '11111 00100 00100 00100 00100 00100 00100',
  U: '10001 10001 10001 10001 10001 10001 01110',
  V: '10001 10001 10001 10001 10001 01010 00100',
  W: '10001 10001 10001 10101 10101 10101 01010',
  X: '10001 10001 01010 00100 01010 10001 10001',
  Y: '10001 10001 01010 00100 00100 00100 00100',
  Z: '11111 00001 00010 00100 01000 10000 11111',
  '0': '01110 10001 10011 10101 11001 10001 01110',
  '1': '00100 01100 00100 00100 00100 00100 01110',
  '2': '01110 10001 00001 00010 00100 01000 11111',
  '3': '11111 00010 00100 00010 00001 10001 01110',
  '4': '00010 00110 01010 10010 11111 00010 00010',
  '5': '11111 10000 11110 00001 00001 10001 01110',
  '6': '00110 01000 10000 11110 10001 10001 01110',
  '7': '11111 00001 00010 00100 01000 01000 01000',
  '8': '01110 10001 10001 01110 10001 10001 01110',
  '9': '01110 10001 10001 01111 00001 00010 01100',
  ':': '00000 01100 01100 00000 01100 01100 00000',
  '.': '00000 00000 00000 00000 00000 01100 01100',
  ',': '00000 00000 00000 00000 01100 00100 01000',
  '-': '00000 00000 00000 11111 00000 00000 00000',
  '/': '00001 00001 00010 00100 01000 10000 10000',
  ' ': '00000 00000 00000 00000 00000 00000 00000',
};

const GLYPHS: Record<string, number[][]> = Object.fromEntries(
  Object.entries(ROWS).map(([ch, rows]) => [ch, rows.split(' ').map((row) => [...row].map(Number))]),
);

/** Width in pixels of `text` at `scale` (6 px advance per character). */
export function textWidth(text: string, scale = 1): number {
  return text.length * 6 * scale - scale;
}

/** Draws `text` with its top-left corner at (x, y), one `fillRect` per lit pixel; unknown characters are blanks. */
export function drawPixelText(
  ctx: RectPainter,
  text: string,
  x: number,
  y: number,
  color: string,
  scale = 1,
): void {
  ctx.fillStyle = color;
  let cx = x;
  for (const ch of text.toUpperCase()) {
    const glyph = GLYPHS[ch] ?? GLYPHS[' ']!;
    for (let row = 0; row < 7; row++) {
      for (let col = 0; col < 5; col++)
        if (glyph[row]![col]) ctx.fillRect(cx + col * scale, y + row * scale, scale, scale);
    }
    cx += 6 * scale;
  }
}

/** The characters the font has, in atlas order. */
export const FONT_CHARS: readonly string[] = Object.keys(ROWS);

/** Shortens `text` to at most `maxChars` characters, marking the cut with a trailing `.`. */
export function fitText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return maxChars <= 1 ? text.slice(0, maxChars) : `${text.slice(0, maxChars - 1)}.`;
}
