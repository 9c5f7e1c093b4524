import type { Image, Info, InvalidReply, Prompt, TextInterface, TextOptions } from '@rl4vlm/env';
import { MOVES } from './maze-env.js';

/** What a VLM sees: the picture, the positions as text, and RL4VLM's JSON reply format. */
export function mazeText({ cot = true }: TextOptions = {}): TextInterface<Image, number> {
  const format = cot
    ? 'Reply in JSON: {"thoughts": "<your reasoning>", "action": "<up|down|left|right>"}'
    : 'Reply in JSON: {"action": "<up|down|left|right>"}';
  return {
    prompt(observation: Image, info: Info): Prompt {
      const [ax, ay] = info.agent as number[];
      const [gx, gy] = info.goal as number[];
      const text =
        'You are the blue dot in the grid <image>; walk to the green cell. ' +
        `You are at column ${ax}, row ${ay}; the goal is at column ${gx}, row ${gy} (row 0 is the top).\n${format}`;
      return { text, images: [observation] };
    },
    parse(reply: string): number | InvalidReply {
      const match = /"action"\s*:\s*"(\w+)"/.exec(reply);
      if (!match) return { invalid: 'no "action": "<move>" in the reply' };
      const action = MOVES.indexOf(match[1] as (typeof MOVES)[number]);
      return action >= 0 ? action : { invalid: `"${match[1]}" is not one of ${MOVES.join(', ')}` };
    },
  };
}

/** The ideal reply (optional): the app uses it for `rl4vlm demo`, `sft-data` and the SFT stage of `train`. */
export function mazeOracle({ cot = true }: TextOptions = {}) {
  return (_prompt: Prompt, info: Info): string => {
    const [ax, ay] = info.agent as number[];
    const [gx, gy] = info.goal as number[];
    const move = gx! > ax! ? 'right' : gx! < ax! ? 'left' : gy! > ay! ? 'down' : 'up';
    const thoughts = `I am at (${ax}, ${ay}) and the goal is at (${gx}, ${gy}), so I go ${move}.`;
    return cot ? `{"thoughts": "${thoughts}", "action": "${move}"}` : `{"action": "${move}"}`;
  };
}
