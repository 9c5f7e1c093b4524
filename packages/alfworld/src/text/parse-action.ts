import { editDistance, type InvalidReply } from '@rl4vlm/env';
import { MAX_COMMAND_LENGTH } from '../household/command-space.js';

/** What to do when no admissible command occurs in the reply. */
export type NoMatchPolicy = 'raw' | 'invalid' | 'closest';

/** Every {@link NoMatchPolicy}, for config errors that list what is allowed. */
export const NO_MATCH_POLICIES: readonly NoMatchPolicy[] = ['raw', 'invalid', 'closest'];

/** Options of {@link parseAlfworldAction}. */
export interface ParseAlfworldOptions {
  /**
   * `raw` (RL4VLM): send the lower-cased reply to the game as the command; the game prints
   * `Nothing happens.` and `info.commandValid` is false, which the reward wrapper penalises.
   * `invalid`: return `{invalid}` so `TextEnv`'s invalid-reply policy handles it.
   * `closest` (ours, not RL4VLM's): play the admissible command nearest to the reply's action
   * value by edit distance, so a near miss (`open cabinet 2` at cabinet 1, `go to drawer vase 1`)
   * still acts instead of wasting the step on `Nothing happens.`; every step is then a legal one.
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
 * 3. No candidate: the raw lower-cased reply is the command (or `{invalid}`, or the nearest
 *    admissible command: see `onNoMatch`).
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
  if (onNoMatch === 'closest' && admissibleCommands.length > 0) {
    return nearestCommand(actionValue(searched, at >= 0), admissibleCommands);
  }
  if (onNoMatch === 'invalid') {
    return {
      invalid: `no admissible command found in ${at >= 0 ? 'the "action" value' : `the last ${ACTION_TAIL_CHARS} characters (no "action" key)`}`,
    };
  }
  return text.slice(0, MAX_COMMAND_LENGTH);
}

/** The reply's action value: after `"action":`, without quotes, up to its closing quote or brace. */
function actionValue(searched: string, keyed: boolean): string {
  if (!keyed) return searched.trim();
  const value = searched.slice('"action":'.length).replace(/^\s*"?/, '');
  const end = value.search(/["}]/);
  return (end >= 0 ? value.slice(0, end) : value).trim();
}

/** The admissible command with the smallest edit distance to `value` (ties: list order). */
function nearestCommand(value: string, admissibleCommands: readonly string[]): string {
  let best = admissibleCommands[0]!;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const command of admissibleCommands) {
    const distance = editDistance(value, command.toLowerCase());
    if (distance < bestDistance) {
      best = command;
      bestDistance = distance;
    }
  }
  return best;
}
