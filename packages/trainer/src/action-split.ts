import type { PolicyTokenizer } from '@rl4vlm/policy';
import { tokenRangeOfChars } from '@rl4vlm/policy';

/**
 * How a reply's tokens are split into thought and action (RL4VLM spec §3.3):
 * - `actionKey` (default): the action starts at the token holding the LAST `"action":` key of
 *   the decoded text (found by character offsets, never token ids) and runs to the end,
 *   including the value, the closing brace and EOS, as the original code intends;
 * - `lastTokens`: compatibility with what the original actually ran for gym-cards (its
 *   hard-coded LLaMA ids never matched the Mistral tokenizer): the last `lastTokens` tokens are
 *   the action.
 */
export type ActionSplitMode = 'actionKey' | 'lastTokens';

/**
 * What to do in `actionKey` mode when the reply has no `"action":` key (a format error):
 * - `lastTokens` (default): the original's fallback — the last `lastTokens` tokens are the action;
 * - `allThought`: the whole reply is weighted λ, as if it were all reasoning;
 * - `allAction`: the whole reply is weighted 1.
 */
export type NoActionKeyFallback = 'lastTokens' | 'allThought' | 'allAction';

/** Options of {@link splitThoughtAction}. */
export interface ActionSplitOptions {
  mode?: ActionSplitMode;
  fallback?: NoActionKeyFallback;
  /** How many trailing tokens count as the action in `lastTokens` mode and fallback. Default 5. */
  lastTokens?: number;
}

/** Where the action starts in a reply's tokens: thought = `[0, actionStart)`, action = `[actionStart, length)`. */
export interface ActionSplit {
  actionStart: number;
  length: number;
  /** True when an `"action":` key was found in the decoded text. */
  foundKey: boolean;
}

/** Case-insensitive `"action":`, allowing spaces before the colon (RL4VLM lower-cases the text before searching). */
const ACTION_KEY = /"action"\s*:/gi;

/** Character offset of the last `"action":` key in `text`, or -1. */
export function lastActionKeyOffset(text: string): { start: number; end: number } | undefined {
  let found: { start: number; end: number } | undefined;
  for (const m of text.matchAll(ACTION_KEY)) found = { start: m.index, end: m.index + m[0].length };
  return found;
}

/**
 * Splits a generated reply into thought and action tokens.
 *
 * @example
 * const split = splitThoughtAction(generation.tokenIds, policy.tokenizer);
 * // thought tokens: generation.tokenIds.slice(0, split.actionStart)
 */
export function splitThoughtAction(
  tokenIds: readonly number[],
  tokenizer: Pick<PolicyTokenizer, 'decodeWithOffsets'>,
  { mode = 'actionKey', fallback = 'lastTokens', lastTokens = 5 }: ActionSplitOptions = {},
): ActionSplit {
  const length = tokenIds.length;
  if (!Number.isInteger(lastTokens) || lastTokens < 1)
    throw new RangeError(`lastTokens must be a positive integer, got ${lastTokens}`);
  const byLastTokens = (foundKey: boolean): ActionSplit => ({
    actionStart: Math.max(0, length - lastTokens),
    length,
    foundKey,
  });
  if (mode === 'lastTokens') return byLastTokens(false);
  if (mode !== 'actionKey')
    throw new RangeError(`Unknown split mode '${mode}': use 'actionKey' or 'lastTokens'`);
  const { text, offsets } = tokenizer.decodeWithOffsets(tokenIds);
  const key = lastActionKeyOffset(text);
  const range = key ? tokenRangeOfChars(offsets, key.start, key.end) : undefined;
  if (range) return { actionStart: range[0], length, foundKey: true };
  if (fallback === 'allThought') return { actionStart: length, length, foundKey: false };
  if (fallback === 'allAction') return { actionStart: 0, length, foundKey: false };
  return byLastTokens(false);
}

/**
 * Per-token weights of the CoT-scaled log-probability `λ·Σ log p(thought) + Σ log p(action)`:
 * `λ` on thought tokens, 1 on action tokens, 0 beyond `length` (padding to `padTo`).
 */
export function tokenWeights(split: ActionSplit, lambda: number, padTo = split.length): number[] {
  const w = new Array<number>(padTo).fill(0);
  for (let i = 0; i < split.length && i < padTo; i++) w[i] = i < split.actionStart ? lambda : 1;
  return w;
}

/** `λ·Σ log p(thought) + Σ log p(action)` from per-token log-probs, in float64. */
export function cotLogProb(tokenLogProbs: readonly number[], split: ActionSplit, lambda: number): number {
  let thought = 0;
  let action = 0;
  for (let i = 0; i < split.length; i++) {
    if (i < split.actionStart) thought += tokenLogProbs[i]!;
    else action += tokenLogProbs[i]!;
  }
  return lambda * thought + action;
}
