import { encodePng, type Image } from '@rl4vlm/env';

/**
 * How an image can be shown in a terminal: kitty's or iTerm2's inline images, `blocks` (coloured
 * half-block characters, which every 24-bit-colour terminal draws), or `file` (only the PNG path).
 */
export type ImageProtocol = 'kitty' | 'iterm' | 'blocks' | 'file';

/** The inline-image protocol this terminal speaks, from its environment variables; `blocks` for any other terminal, `file` when not a terminal. */
export function detectImageProtocol(
  env: NodeJS.ProcessEnv = process.env,
  isTty = Boolean(process.stdout.isTTY),
): ImageProtocol {
  if (!isTty) return 'file';
  if (
    env.KITTY_WINDOW_ID ||
    env.TERM === 'xterm-kitty' ||
    env.TERM_PROGRAM === 'WezTerm' ||
    env.TERM_PROGRAM === 'ghostty'
  )
    return 'kitty';
  if (env.TERM_PROGRAM === 'iTerm.app' || env.LC_TERMINAL === 'iTerm2') return 'iterm';
  if (env.TERM === 'dumb') return 'file';
  return 'blocks';
}

/**
 * The image as rows of '▀' characters, each the top pixel's colour over the bottom one's
 * (24-bit ANSI colours), scaled down (nearest pixel) to at most `maxColumns` columns.
 */
export function blockImage(image: Image, { maxColumns = 64 } = {}): string {
  const scale = Math.max(1, image.width / maxColumns);
  const cols = Math.max(1, Math.round(image.width / scale));
  const rows = Math.max(1, Math.round(image.height / scale));
  const at = (x: number, y: number) => {
    const px = Math.min(image.width - 1, Math.floor(x * scale));
    const py = Math.min(image.height - 1, Math.floor(y * scale));
    const i = 3 * (py * image.width + px);
    return `${image.data[i]};${image.data[i + 1]};${image.data[i + 2]}`;
  };
  const lines: string[] = [];
  for (let y = 0; y < rows; y += 2) {
    let line = '';
    for (let x = 0; x < cols; x++) {
      const bottom = y + 1 < rows ? `\u001b[48;2;${at(x, y + 1)}m` : '\u001b[49m';
      line += `\u001b[38;2;${at(x, y)}m${bottom}▀`;
    }
    lines.push(`${line}\u001b[0m`);
  }
  return `${lines.join('\n')}\n`;
}

/** The text that draws `image` with `protocol` (nothing for `file`). */
export function terminalImage(image: Image, protocol: ImageProtocol): string {
  if (protocol === 'file') return '';
  return protocol === 'blocks' ? blockImage(image) : inlineImageSequence(image, protocol);
}

/** The escape sequence that draws `image` inline (kitty graphics protocol, or iTerm2's OSC 1337). */
export function inlineImageSequence(image: Image, protocol: 'kitty' | 'iterm', { scale = 3 } = {}): string {
  const png = encodePng(image).toString('base64');
  if (protocol === 'iterm') {
    return `\u001b]1337;File=inline=1;width=${image.width * scale}px;preserveAspectRatio=1:${png}\u0007\n`;
  }
  // kitty: PNG (f=100), transmit and display (a=T), in chunks of at most 4096 base64 bytes.
  const chunks = png.match(/.{1,4096}/g) ?? [];
  return (
    chunks
      .map((chunk, i) => {
        const more = i < chunks.length - 1 ? 1 : 0;
        const head = i === 0 ? `a=T,f=100,c=${Math.ceil((image.width * scale) / 10)},m=${more}` : `m=${more}`;
        return `\u001b_G${head};${chunk}\u001b\\`;
      })
      .join('') + '\n'
  );
}
