import type { InvalidReply } from '@rl4vlm/env';

/** The key whose value names the action. */
export const ACTION_KEY = '"action":';

/**
 * Maps a model's reply to an action id with RL4VLM's rule (`text_projection`):
 * 1. lower-case the reply and keep the text from the first `"action":` on;
 * 2. when `multiDigitFirst` (the points games), every multi-digit number label found there
 *    (longest first; upstream: only `10`) is recorded and removed, so `10` does not also match `1`;
 * 3. record every label that occurs in what remains, as a substring;
 * 4. exactly one distinct label → its id; otherwise the reply is invalid, with the reason.
 *
 * Upstream falls back to the reply's last character when `"action":` is missing and plays a
 * random action when zero or several labels match; here both are `{invalid}` and the caller's
 * invalid-reply policy decides (`TextEnv`'s default `random` is upstream's behaviour).
 */
export function parseActionReply(
  reply: string,
  labels: readonly string[],
  { multiDigitFirst = false }: { multiDigitFirst?: boolean } = {},
): number | InvalidReply {
  const legal = labels.map((l) => `"${l}"`).join(', ');
  if (typeof reply !== 'string') return { invalid: `the reply must be text, got ${typeof reply}` };
  const lower = reply.toLowerCase();
  const at = lower.indexOf(ACTION_KEY);
  if (at < 0)
    return { invalid: `the reply has no ${ACTION_KEY} field; end it with ${ACTION_KEY} and one of ${legal}` };
  let suffix = lower.slice(at + ACTION_KEY.length);
  const found = new Set<number>();
  if (multiDigitFirst) {
    const multi = labels
      .map((label, id) => ({ label: label.toLowerCase(), id }))
      .filter(({ label }) => /^\d{2,}$/.test(label))
      .sort((a, b) => b.label.length - a.label.length || b.label.localeCompare(a.label));
    for (const { label, id } of multi) {
      if (suffix.includes(label)) {
        found.add(id);
        suffix = suffix.split(label).join('');
      }
    }
  }
  labels.forEach((label, id) => {
    if (suffix.includes(label.toLowerCase())) found.add(id);
  });
  if (found.size === 1) return [...found][0]!;
  if (found.size === 0)
    return {
      invalid: `the text after ${ACTION_KEY} names no legal action; it must name exactly one of ${legal}`,
    };
  const named = [...found]
    .sort((a, b) => a - b)
    .map((id) => `"${labels[id]}"`)
    .join(', ');
  return {
    invalid: `the text after ${ACTION_KEY} names ${found.size} actions (${named}); it must name exactly one of ${legal}`,
  };
}
