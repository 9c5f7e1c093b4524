import type { ExpertStep } from '../household/expert.js';

/** Options of {@link writeExpertReply}. */
export interface ExpertReplyOptions {
  /** Write `"thoughts"` before `"action"` (default) or the action only. */
  cot?: boolean;
  /** The feedback text the reply answers (quoted in the thoughts). */
  observationText?: string;
  /** The goal sentence. */
  goal?: string;
  /** Longest feedback quoted in the thoughts, in characters. */
  maxQuoted?: number;
}

/**
 * A reply in the format the ALFWorld prompt asks for — `{"thoughts": "…", "action": "…"}` — for
 * an expert step: the thoughts describe the scene text, restate the goal and give the expert's
 * reason. These are the supervised warm-start targets; `parseAlfworldAction` reads the command
 * back from them.
 *
 * @example
 * writeExpertReply({ command: 'go to fridge 1', reason: 'I need a cool mug…' }, { goal: 'put a cool mug in cabinet' });
 * // '{"thoughts": "My task is to put a cool mug in cabinet. I need a cool mug…", "action": "go to fridge 1"}'
 */
export function writeExpertReply(
  step: ExpertStep,
  { cot = true, observationText, goal, maxQuoted = 240 }: ExpertReplyOptions = {},
): string {
  const action = JSON.stringify(step.command);
  if (!cot) return `{"action": ${action}}`;
  const parts: string[] = [];
  if (observationText) {
    const flat = observationText.replace(/\s+/g, ' ').trim();
    parts.push(`I see: ${flat.length > maxQuoted ? `${flat.slice(0, maxQuoted - 3)}...` : flat}`);
  }
  if (goal) parts.push(`My task is to ${goal}.`);
  parts.push(`${step.reason}.`);
  return `{"thoughts": ${JSON.stringify(parts.join(' '))}, "action": ${action}}`;
}
