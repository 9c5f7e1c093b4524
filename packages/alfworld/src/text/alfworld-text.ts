import type { Info, InvalidReply, Prompt, TextInterface } from '@rl4vlm/env';
import type { AlfworldObservation } from '../observation.js';
import { NO_MATCH_POLICIES, type NoMatchPolicy, parseAlfworldAction } from './parse-action.js';
import { alfworldPrompt } from './prompt.js';

/**
 * The CoT coefficient λ RL4VLM uses for ALFWorld: the action's log-probability is
 * `λ · log p(thought tokens) + log p(action tokens)` (spec `rl4vlm.md` §3.7: λ = 0.2).
 */
export const ALFWORLD_COT_LAMBDA = 0.2;

/** Options of {@link alfworldText}. */
export interface AlfworldTextOptions {
  /** The CoT prompt (default) or the action-only ablation. */
  cot?: boolean;
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
}: AlfworldTextOptions = {}): TextInterface<AlfworldObservation, string> {
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
