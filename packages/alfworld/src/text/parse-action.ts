import type { InvalidReply } from '@rl4vlm/env';
import { MAX_COMMAND_LENGTH } from '../household/command-space.js';

/** What to do when no admissible command occurs in the reply. */
export type NoMatchPolicy = 'raw' | 'invalid';

/** Options of {@link parseAlfworldAction}. */
export interface ParseAlfworldOptions {
  /**
   * `raw` (RL4VLM): send the lower-cased reply to the game as the command; the game prints
   * `Nothing happens.` and `info.commandValid` is false, which the reward wrapper penalises.
   * `invalid`: return `{invalid}` so `TextEnv`'s invalid-reply policy handles it.
   */
  onNoMatch?: NoMatchPolicy;
}

/** How many trailing characters RL4VLM searches when the reply has no `"action":` key. */
export const ACTION_TAIL_CHARS = 30;

/**
 * RL4VLM's ALFWorld reply → command rule (`process_action`, spec `rl4vlm.md` §2.4), with one fix.
 *
 * 1. Lower-case the reply; keep the text from `"action":` on, or its last 30 characters when
 *    that key is missing.
 * 2. Every admissible command (of the state the reply answers) that occurs in it as a substring
 *    is a candidate. The original takes the *first* in list order, so `"go to cabinet 10"`
 *    became `go to cabinet 1`. **Fix:** the *longest* candidate wins (then the earliest in the
 *    text, then list order), so a command is never read as a prefix of a longer one.
 * 3. No candidate: the raw lower-cased reply is the command (or `{invalid}`, see `onNoMatch`).
 * 4. An empty reply is `{invalid}`; `TextEnv`'s default policy then plays a random admissible
 *    command, as RL4VLM does.
 */
export function parseAlfworldAction(
  reply: string,
  admissibleCommands: readonly string[],
  { onNoMatch = 'raw' }: ParseAlfworldOptions = {},
): string | InvalidReply {
  if (typeof reply !== 'string' || reply.trim() === '') return { invalid: 'empty reply: no action given' };
  const text = reply.toLowerCase();
  const at = text.indexOf('"action":');
  const searched = at >= 0 ? text.slice(at) : text.slice(-ACTION_TAIL_CHARS);
  let best: { command: string; index: number } | undefined;
  for (const command of admissibleCommands) {
    const index = searched.indexOf(command.toLowerCase());
    if (index < 0) continue;
    if (
      !best ||
      command.length > best.command.length ||
      (command.length === best.command.length && index < best.index)
    ) {
      best = { command, index };
    }
  }
  if (best) return best.command;
  if (onNoMatch === 'invalid') {
    return {
      invalid: `no admissible command found in ${at >= 0 ? 'the "action" value' : `the last ${ACTION_TAIL_CHARS} characters (no "action" key)`}`,
    };
  }
  return text.slice(0, MAX_COMMAND_LENGTH);
}
