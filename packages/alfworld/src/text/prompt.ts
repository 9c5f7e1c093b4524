import type { Prompt } from '@rl4vlm/env';
import type { AlfworldObservation } from '../observation.js';
import { pythonListRepr } from './python-repr.js';

/** What the prompt needs from `info`. */
export interface AlfworldPromptInfo {
  goal: string;
  admissibleCommands: readonly string[];
}

/** Options of {@link alfworldPrompt}. */
export interface AlfworldPromptOptions {
  /** Ask for `"thoughts"` before `"action"` (the paper's CoT prompt); `false` is the action-only ablation. */
  cot?: boolean;
}

/** The image placeholder the policy expands into vision tokens (LLaVA's `USER: <image>\n<prompt>`). */
export const IMAGE_PLACEHOLDER = '<image>';

/**
 * RL4VLM's single-turn ALFWorld prompt (`VLM_PPO_ALF`, spec `rl4vlm.md` §2.2), byte for byte:
 * the "Your are…" opener, the scene text as Python's repr of the observation list, the goal, the
 * admissible commands single-quoted and joined by newline + space, and the JSON skeleton with
 * its literal backslashes before the braces. With an image, the text starts with `<image>\n`.
 */
export function alfworldPrompt(
  observation: AlfworldObservation,
  info: AlfworldPromptInfo,
  { cot = true }: AlfworldPromptOptions = {},
): Prompt {
  if (typeof observation?.text !== 'string')
    throw new TypeError('alfworldPrompt needs an observation {text, image?}');
  if (!Array.isArray(info?.admissibleCommands) || typeof info.goal !== 'string') {
    throw new TypeError(
      'alfworldPrompt needs info.goal (string) and info.admissibleCommands (string[]) from the env',
    );
  }
  const actions = info.admissibleCommands.map((s) => `'${s}'`).join('\n ');
  let qs = 'Your are an expert in the ALFRED Embodied Environment. ';
  qs += `You are also given the following text description of the current scene: ${pythonListRepr([observation.text])}. `;
  qs += `Your task is to ${info.goal}. `;
  qs += `Your admissible actions of the current situation are: [${actions}]. `;
  qs += 'Your response should be a valid json file in the following format: \n\\{\n';
  if (cot) {
    qs +=
      '"thoughts": "{first describe what do you see in the image using the text description, then carefully think about which action to complete the task. }", \n';
  }
  qs += '"action": "{an admissible action}"\n\\}';
  const images = observation.image ? [observation.image] : [];
  return { text: images.length ? `${IMAGE_PLACEHOLDER}\n${qs}` : qs, images };
}
