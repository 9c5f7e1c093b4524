import type { Image, Info, InvalidReply, Prompt, TextInterface, TextOptions } from '@rl4vlm/env';
import { boardText, type Cell } from './board.js';
import { bestMove } from './oracle.js';
import { CELL_LABELS } from './tic-tac-toe-env.js';

const RULES =
  'You are playing tic-tac-toe as X against O on the board in the image <image>. ' +
  'Cells are numbered 1 to 9 row by row from the top left; each empty cell shows that many dots. ' +
  'Three X in a row, column or diagonal wins; playing an occupied cell loses.';

function boardFromInfo(info: Info): Cell[] {
  const board = typeof info.board === 'string' && info.board.length === 9 ? info.board : '         ';
  return [...board].map((c) => (c === 'X' || c === 'O' ? c : ' '));
}

/** Reads the cell named after `"action":` in a reply; exactly one legal cell number must follow. */
export function parseCellReply(reply: string, info: Info): number | InvalidReply {
  const at = reply.lastIndexOf('"action"');
  if (at < 0) return { invalid: 'the reply has no "action" field' };
  const after = reply.slice(at + '"action"'.length).replace(/^\s*:\s*/, '');
  const match = /^"?\s*([1-9])\s*"?/.exec(after);
  if (!match)
    return { invalid: `"action" must be a cell number 1-9, got ${JSON.stringify(after.slice(0, 20))}` };
  const cell = Number(match[1]) - 1;
  const legal = Array.isArray(info.legalActions) ? (info.legalActions as string[]) : [...CELL_LABELS];
  if (!legal.includes(CELL_LABELS[cell]!)) return { invalid: `cell ${cell + 1} is occupied` };
  return cell;
}

/**
 * What a VLM sees: the rules, the board as text (the image alone is hard for a tiny model), and the
 * reply format of RL4VLM — `{"thoughts": "...", "action": "5"}`, or only the action with `cot: false`.
 */
export function ticTacToeText({ cot = true }: TextOptions = {}): TextInterface<Image, number> {
  const format = cot
    ? 'Reply in JSON: {"thoughts": "<your reasoning>", "action": "<cell number>"}'
    : 'Reply in JSON: {"action": "<cell number>"}';
  return {
    prompt(observation: Image, info: Info): Prompt {
      const text = `${RULES}\nBoard:\n${boardText(boardFromInfo(info))}\n${format}`;
      return { text, images: [observation] };
    },
    parse: parseCellReply,
  };
}

/** The oracle's reply to a prompt, in the env's format (used for SFT data and as a baseline policy). */
export function ticTacToeOracle({ cot = true }: TextOptions = {}) {
  return (_prompt: Prompt, info: Info): string => {
    const { cell, reason } = bestMove(boardFromInfo(info));
    const action = JSON.stringify(String(cell + 1));
    return cot ? `{"thoughts": ${JSON.stringify(reason)}, "action": ${action}}` : `{"action": ${action}}`;
  };
}
