import type { Info, InvalidReply, Prompt, TextInterface } from '@rl4vlm/env';
import type { AlfworldObservation } from '../observation.js';
import { NO_MATCH_POLICIES, type NoMatchPolicy, parseAlfworldAction } from './parse-action.js';
import { alfworldPrompt } from './prompt.js';

/**
 * The CoT coefficient λ RL4VLM uses for ALFWorld: the action's log-probability is
 * `λ · log p(thought tokens) + log p(action tokens)` (spec `rl4vlm.md` §3.7: λ = 0.2).
 */
export const ALFWORLD_COT_LAMBDA = 0.2;

/**
 * The chain of thought of the expert's replies (`env.text.thought`), which SFT teaches:
 * - `short` (default): the goal and the expert's reason in a sentence.
 * - `plan` (ours): on the steps that find things, the objects in view first, then, when none is
 *   wanted, every place that can hold it in search order and the one after the place faced, so
 *   choosing the next place is a copy rather than a lookup learnt by heart.
 */
export const ALFWORLD_THOUGHTS = ['short', 'plan'] as const;
export type AlfworldThought = (typeof ALFWORLD_THOUGHTS)[number];

/** `options.thought`, checked: an unknown value is an error naming the field and the allowed values. */
export function alfworldThought(options: { thought?: unknown }): AlfworldThought {
  const thought = options.thought ?? 'short';
  if (!ALFWORLD_THOUGHTS.includes(thought as AlfworldThought))
    throw new RangeError(
      `env.text.thought must be one of ${ALFWORLD_THOUGHTS.map((t) => `'${t}'`).join(', ')}, got ${JSON.stringify(thought)}`,
    );
  return thought as AlfworldThought;
}

/** Options of {@link alfworldText}. */
export interface AlfworldTextOptions {
  /** The CoT prompt (default) or the action-only ablation. */
  cot?: boolean;
  /** Which chain of thought the expert's replies write (see {@link ALFWORLD_THOUGHTS}); the prompt is the same. */
  thought?: AlfworldThought;
  /** What a reply with no admissible command becomes (default `raw`, as RL4VLM; `invalid`; `closest`). */
  onNoMatch?: NoMatchPolicy;
  [key: string]: unknown;
}

/**
 * The text layer of both ALFWorld envs: RL4VLM's prompt (admissible actions listed) and its
 * reply → command rule with the longest-match fix. Pure: usable next to the policy while the
 * env runs elsewhere.
 *
 * @example
 * const env = new TextEnv(new AlfworldRewardWrapper(new HouseholdEnv()), alfworldText());
 * const { observation, info } = await env.reset({ seed: 0 });
 * const prompt = env.prompt(observation, info); // {text: '<image>\nYour are an expert…', images: [frame]}
 * await env.step('{"thoughts": "…", "action": "go to fridge 1"}');
 */
export function alfworldText({
  cot = true,
  onNoMatch = 'raw',
  ...rest
}: AlfworldTextOptions = {}): TextInterface<AlfworldObservation, string> {
  alfworldThought(rest);
  if (!NO_MATCH_POLICIES.includes(onNoMatch)) {
    throw new RangeError(
      `alfworldText onNoMatch must be one of ${NO_MATCH_POLICIES.map((p) => `'${p}'`).join(', ')}, got ${JSON.stringify(onNoMatch)}`,
    );
  }
  return {
    prompt(observation: AlfworldObservation, info: Info): Prompt {
      return alfworldPrompt(observation, info as never, { cot });
    },
    parse(reply: string, info: Info): string | InvalidReply {
      const admissible = info.admissibleCommands;
      if (!Array.isArray(admissible))
        throw new TypeError('parse needs info.admissibleCommands (string[]) from the env');
      return parseAlfworldAction(reply, admissible as string[], { onNoMatch });
    },
  };
}
