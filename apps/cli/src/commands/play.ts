import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { encodePng, type Image, isInvalidReply } from '@rl4vlm/env';
import type { Command } from 'commander';
import { playEpisode } from '../run/play-episode.js';
import { detectImageProtocol, type ImageProtocol, terminalImage } from '../run/terminal-image.js';
import { type CommonFlags, makeTextEnv, setup } from '../setup.js';
import { addEnvFlags, int } from './env-flags.js';

interface PlayFlags extends CommonFlags {
  images?: string;
  imageProtocol: 'auto' | ImageProtocol;
  episodes: number;
  maxSteps: number;
}

/** A typed action label becomes a reply in the env's format; a typed reply with `"action"` is sent as is. */
export function toReply(typed: string): string {
  const text = typed.trim();
  if (text.includes('"action"')) return text;
  return `{"thoughts": "typed by a person", "action": ${JSON.stringify(text)}}`;
}

/** Lets a person play an env in the terminal: the prompt and image a VLM sees, then a typed reply. */
export async function runPlay(
  flags: PlayFlags,
  {
    input = process.stdin,
    output = process.stdout,
  }: { input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream } = {},
): Promise<{ returns: number[] }> {
  const { config, registry } = await setup(flags);
  const env = makeTextEnv(registry, config.env);
  const protocol = flags.imageProtocol === 'auto' ? detectImageProtocol() : flags.imageProtocol;
  // A folder of this run's own: a fixed /tmp/rl4vlm-play made by one user is not writable by the next.
  const imageDir = flags.images ?? mkdtempSync(path.join(tmpdir(), 'rl4vlm-play-'));
  mkdirSync(imageDir, { recursive: true });
  const say = (s: string) => output.write(`${s}\n`);
  const readline = createInterface({ input, terminal: false });
  const lines = readline[Symbol.asyncIterator]();
  const show = (image: Image, name: string) => {
    const file = path.join(imageDir, `${name}.png`);
    writeFileSync(file, encodePng(image));
    output.write(terminalImage(image, protocol));
    say(`[image: ${file}]`);
  };
  const labels = (env.env.actionSpace as { labels?: readonly string[] }).labels;
  say(
    `Playing ${config.env.id}. Type an action${labels ? ` (${labels.join(', ')})` : ''} or a full reply; 'q' quits.`,
  );
  const returns: number[] = [];
  try {
    for (let e = 0; e < flags.episodes; e++) {
      const seed = (flags.seed ?? 0) + e;
      const episode = await playEpisode(
        env,
        async (prompt, info, t) => {
          say(`\n=== episode ${e + 1}, seed ${seed}, step ${t} ===\n${prompt.text}`);
          for (const [i, image] of prompt.images.entries())
            show(image, `seed-${seed}-step-${t}${i ? `-${i}` : ''}`);
          // A typo is asked again, not played as the env's random fallback action.
          for (;;) {
            output.write('your reply> ');
            const next = await lines.next();
            if (next.done || next.value.trim() === 'q') throw new QuitSignal();
            if (!next.value.trim()) continue;
            const reply = toReply(next.value);
            if (!isInvalidReply(env.parse(reply, info))) return reply;
            const legal = Array.isArray(info.legalActions) ? (info.legalActions as string[]) : labels;
            say(
              `'${next.value.trim()}' is not an action here${legal ? `; type one of: ${legal.join(', ')}` : ''} ('q' quits).`,
            );
          }
        },
        { seed, maxSteps: flags.maxSteps },
      );
      const last = episode.steps.at(-1);
      for (const s of episode.steps.filter((s) => !s.parseOk))
        say(`(could not read a reply: ${s.parseError})`);
      // The end state (the dealer's cards, the bust card) is only in the last frame.
      say(`\n=== episode ${e + 1}, final state ===`);
      show(episode.frames.at(-1)!, `seed-${seed}-final`);
      say(
        `\nEpisode over: return ${episode.return}${last ? `, last action ${last.actionLabel ?? JSON.stringify(last.action)}` : ''}.`,
      );
      returns.push(episode.return);
    }
  } catch (error) {
    if (!(error instanceof QuitSignal)) throw error;
    say('\nBye.');
  } finally {
    // Without this a terminal's stdin keeps the process alive after the last episode.
    readline.close();
    await env.close();
  }
  if (returns.length) say(`Returns: ${returns.join(', ')}`);
  return { returns };
}

class QuitSignal extends Error {}

export function registerPlay(program: Command): void {
  addEnvFlags(
    program
      .command('play')
      .description(
        'play an env yourself in the terminal: see the prompt (and the image, where the terminal can) and type the reply',
      ),
    { policy: false },
  )
    .option('-n, --episodes <n>', 'episodes to play', int, 1)
    .option('--max-steps <n>', 'cap on steps per episode', int, 100)
    .option('--images <dir>', 'where to write each observation as PNG (default: a temp folder)')
    .option(
      '--image-protocol <p>',
      'auto | kitty | iterm | blocks (coloured characters) | file (only write the PNG path)',
      'auto',
    )
    .addHelpText(
      'after',
      `
Images are drawn inline in kitty, WezTerm, ghostty (kitty protocol) and iTerm2, and with coloured
block characters in any other terminal; each observation is also written as a PNG (in a fresh
temp folder unless --images is given) and its path printed. A typo is asked again; the final state
is shown when an episode ends; the command exits after the last episode. Type an action label (e.g. "+" for
NumberLine, "stand" for Blackjack) or a whole reply such as {"thoughts": "...", "action": "+"}.

Examples:
  $ rl4vlm play --env gym-cards/NumberLine-v0
  $ rl4vlm play --env gym-cards/Blackjack-v0 --seed 7 -n 3
  $ rl4vlm play --plugin rl4vlm-plugin-tic-tac-toe --env tictactoe/TicTacToe-v0`,
    )
    .action(async (flags: PlayFlags) => {
      await runPlay(flags);
    });
}
