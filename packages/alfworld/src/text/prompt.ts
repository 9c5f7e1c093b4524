import type { Prompt } from '@rl4vlm/env';
import type { AlfworldObservation } from '../observation.js';
import type { AlfworldHistoryEntry } from './history-wrapper.js';
import { pythonListRepr, pythonRepr } from './python-repr.js';

/** What the prompt needs from `info`. */
export interface AlfworldPromptInfo {
  goal: string;
  admissibleCommands: readonly string[];
  /** The last steps, oldest first ({@link AlfworldHistoryWrapper}); shown when non-empty. */
  history?: readonly AlfworldHistoryEntry[];
  /** Steps taken so far in the episode. */
  stepIndex?: number;
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
 * When `info.history` holds earlier steps (env kwarg `history`, ours), a sentence listing them,
 * oldest first, comes before the current scene; without it the prompt is RL4VLM's exactly.
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
  if (info.history?.length) qs += historySentence(info.history, info.stepIndex ?? info.history.length);
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

/** `You have taken 7 steps; the last 2, oldest first: [Observation: '…', Action: 'go to desk 1'], [...]. ` */
function historySentence(history: readonly AlfworldHistoryEntry[], taken: number): string {
  const steps = history.map(
    (h) => `[Observation: ${pythonRepr(h.observation)}, Action: ${pythonRepr(h.action)}]`,
  );
  const count = `${taken} step${taken === 1 ? '' : 's'}`;
  return `You have taken ${count}; the last ${history.length}, oldest first: ${steps.join(', ')}. `;
}
