import { encodePng, type Image } from '@rl4vlm/env';

/** How an image can be shown in a terminal. */
export type ImageProtocol = 'kitty' | 'iterm' | 'file';

/** The inline-image protocol this terminal speaks, from its environment variables; `file` when none. */
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
  return 'file';
}

/** The escape sequence that draws `image` inline (kitty graphics protocol, or iTerm2's OSC 1337). */
export function inlineImageSequence(
  image: Image,
  protocol: Exclude<ImageProtocol, 'file'>,
  { scale = 3 } = {},
): string {
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
