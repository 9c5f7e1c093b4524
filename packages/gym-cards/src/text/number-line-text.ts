import type { Image, Info, TextInterface, TextOptions } from '@rl4vlm/env';
import { NUMBER_LINE_ACTIONS, type NumberLineState } from '../envs/number-line.js';
import { jsonSkeleton, llavaConversation } from './llava.js';
import { parseActionReply } from './parse-action.js';

/** The NumberLine task prompt (inside the conversation wrapper). */
export function numberLineTask({ cot = true }: TextOptions = {}): string {
  const intro =
    'You are playing a game called number line. The image shows a target number and a current number. ' +
    'Move the current number toward the target by adding one to it ("+") or subtracting one from it ("-"). ' +
    `The legal actions are ${JSON.stringify(NUMBER_LINE_ACTIONS)}. ` +
    'Your response should be valid JSON in the following format:\n';
  const action: [string, string] = ['action', '"-" or "+"'];
  return (
    intro +
    jsonSkeleton(
      cot
        ? [
            ['current number', '"x"'],
            ['target number', '"x"'],
            [
              'thoughts',
              '"{first read out the current and the target number, then decide which action brings the current number closer to the target}"',
            ],
            action,
          ]
        : [action],
    )
  );
}

/**
 * The text layer of NumberLine: the prompt (chain of thought with `cot: true`, the default;
 * only the action with `cot: false`) and the reply parser.
 */
export function numberLineText(options: TextOptions = {}): TextInterface<Image, number> {
  const text = llavaConversation(numberLineTask(options));
  return {
    prompt: (observation: Image) => ({ text, images: [observation] }),
    parse: (reply: string) => parseActionReply(reply, NUMBER_LINE_ACTIONS),
  };
}

/** A reply in NumberLine's format that names `action`, reasoning from the state when `cot`. */
export function numberLineReply(info: Info, action: number, { cot = true }: TextOptions = {}): string {
  const label = NUMBER_LINE_ACTIONS[action]!;
  if (!cot) return jsonSkeleton([['action', `"${label}"`]]);
  const { position, target } = info.state as NumberLineState;
  const relation = position < target ? 'smaller than' : position > target ? 'larger than' : 'equal to';
  const thoughts = `The current number is ${position} and the target number is ${target}. ${position} is ${relation} ${target}, so I should ${label === '+' ? 'add one' : 'subtract one'} to move toward the target.`;
  return jsonSkeleton([
    ['current number', `"${position}"`],
    ['target number', `"${target}"`],
    ['thoughts', JSON.stringify(thoughts)],
    ['action', `"${label}"`],
  ]);
}
