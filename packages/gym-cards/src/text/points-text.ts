import type { Image, Info, TextInterface, TextOptions } from '@rl4vlm/env';
import { EZ_POINTS_ACTIONS } from '../envs/ez-points.js';
import type { PointsState } from '../envs/points-game.js';
import { points24Actions } from '../envs/points24.js';
import type { PointsAdvice } from '../solver.js';
import { jsonSkeleton, llavaConversation } from './llava.js';
import { parseActionReply } from './parse-action.js';

/** The formula as the prompt shows it: entries concatenated, as the original's text. */
export const formulaText = (formula: readonly string[]): string => formula.join('');

const quotedList = (labels: readonly string[]) => `[${labels.map((l) => `'${l}'`).join(', ')}]`;

interface PointsPromptShape {
  cardCount: 2 | 4;
  target: number;
  labels: readonly string[];
  faceCardsAs10: boolean;
}

function pointsTask(shape: PointsPromptShape, formula: readonly string[], cot: boolean): string {
  const count = shape.cardCount === 2 ? 'two' : 'four';
  const f = formulaText(formula);
  const intro =
    `You are an expert card game player. You are observing ${count} cards in the image. ` +
    `You are observing the current formula: '${f}'. ` +
    `You can choose between ${quotedList(shape.labels)}. ` +
    'The number or operator you choose will be appended to the current formula. ' +
    (shape.faceCardsAs10
      ? "Note that 'J', 'Q', and 'K' count as '10'. "
      : "Note that 'J', 'Q', and 'K' count as '11', '12' and '13'. ") +
    `Your goal is to output a formula that evaluates to ${shape.target}, using each card's number exactly once. ` +
    'Your response should be valid JSON in the following format:\n';
  const cards = shape.cardCount === 2 ? '[x, y]' : '[x, y, z, w]';
  const check =
    shape.cardCount === 2
      ? `first check whether the current formula '${f}' is complete; if it is, output '='; otherwise decide which number or operator to append so that the formula reaches ${shape.target}`
      : `first check whether the current formula '${f}' already equals ${shape.target}; if it does, output '='; otherwise decide which number or operator to append so that the formula reaches ${shape.target}`;
  const action: [string, string] = ['action', '"{number}" or "{operator}"'];
  return (
    intro +
    jsonSkeleton(
      cot ? [['cards', cards], ['current formula', f], ['thoughts', `"{${check}}"`], action] : [action],
    )
  );
}

function pointsText(shape: PointsPromptShape, { cot = true }: TextOptions): TextInterface<Image, number> {
  return {
    prompt: (observation: Image, info: Info) => ({
      text: llavaConversation(pointsTask(shape, (info.state as PointsState | undefined)?.formula ?? [], cot)),
      images: [observation],
    }),
    parse: (reply: string) => parseActionReply(reply, shape.labels, { multiDigitFirst: true }),
  };
}

/** The text layer of EZPoints: prompt (with the current formula) and reply parser. */
export function ezPointsText(options: TextOptions = {}): TextInterface<Image, number> {
  return pointsText({ cardCount: 2, target: 12, labels: EZ_POINTS_ACTIONS, faceCardsAs10: true }, options);
}

/** The text layer of Points24; pass the env's `treatFaceCardsAs10` and `targetPoints` when not the defaults. */
export function points24Text(
  options: TextOptions & { treatFaceCardsAs10?: boolean; targetPoints?: number } = {},
): TextInterface<Image, number> {
  const faceCardsAs10 = options.treatFaceCardsAs10 ?? true;
  return pointsText(
    {
      cardCount: 4,
      target: options.targetPoints ?? 24,
      labels: points24Actions(faceCardsAs10),
      faceCardsAs10,
    },
    options,
  );
}

/** A reply in the points games' format for the oracle's `advice`, with its reasoning when `cot`. */
export function pointsReply(info: Info, advice: PointsAdvice, { cot = true }: TextOptions = {}): string {
  const action: [string, string] = ['action', `"${advice.token}"`];
  if (!cot) return jsonSkeleton([action]);
  const state = info.state as PointsState;
  const f = formulaText(state.formula);
  const plan = advice.plan ? advice.plan.join('') : '';
  let thoughts: string;
  if (advice.kind === 'complete') {
    thoughts = `The current formula '${f}' uses every card and equals ${state.target}, so it is complete and I output '='.`;
  } else if (advice.kind === 'extend') {
    thoughts = `The current formula '${f}' is not complete yet. With the cards ${state.numbers.join(', ')} I can make ${plan} = ${state.target}, so I append '${advice.token}'.`;
  } else {
    thoughts = `The current formula '${f}' cannot be completed to equal ${state.target} with the cards ${state.numbers.join(', ')}, so I end it with '='.`;
  }
  return jsonSkeleton([
    ['cards', `[${state.numbers.join(', ')}]`],
    ['current formula', f],
    ['thoughts', JSON.stringify(thoughts)],
    action,
  ]);
}
