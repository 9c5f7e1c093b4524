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

/**
 * The chain of thought of the points games' replies (`env.text.thought`):
 * - `sentence` (default, the original's kind): a sentence naming the cards in deal order, a
 *   formula reaching the target and the token to append.
 * - `plan` (Points24): the cards sorted (so the plan depends only on the multiset of values), then
 *   the plan, the solver's canonical formula for that multiset, written with a cursor `|` after the
 *   part already in the current formula and ending in `=target`, e.g. `(8-|6)*…=24`; the action is
 *   the plan's token right after the cursor (`=` once the formula is complete, and at a dead end,
 *   written `|=` and `no 24`). Searching for a solution becomes a lookup and a copy.
 */
export const POINTS_THOUGHTS = ['sentence', 'plan'] as const;
export type PointsThought = (typeof POINTS_THOUGHTS)[number];

/** `options.thought`, checked: an unknown value is an error naming the field and the allowed values. */
export function pointsThought(options: TextOptions): PointsThought {
  const thought = options.thought ?? 'sentence';
  if (!POINTS_THOUGHTS.includes(thought as PointsThought))
    throw new RangeError(
      `env.text.thought must be one of ${POINTS_THOUGHTS.map((t) => `'${t}'`).join(', ')}, got ${JSON.stringify(thought)}`,
    );
  return thought as PointsThought;
}

/** The cursor that marks, in a `plan` thought, where the current formula ends. */
export const PLAN_CURSOR = '|';

function pointsTask(
  shape: PointsPromptShape,
  formula: readonly string[],
  cot: boolean,
  thought: PointsThought,
): string {
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
  if (cot && thought === 'plan') {
    const plan = `write a formula that makes ${shape.target} from the cards, with '${PLAN_CURSOR}' after the part already in '${f}' and '=${shape.target}' at the end; the action is what follows '${PLAN_CURSOR}'`;
    return (
      intro +
      jsonSkeleton([
        ['cards', `${cards} sorted`],
        ['current formula', f],
        ['thoughts', `"{${plan}}"`],
        action,
      ])
    );
  }
  return (
    intro +
    jsonSkeleton(
      cot ? [['cards', cards], ['current formula', f], ['thoughts', `"{${check}}"`], action] : [action],
    )
  );
}

function pointsText(shape: PointsPromptShape, options: TextOptions): TextInterface<Image, number> {
  const cot = options.cot ?? true;
  const thought = pointsThought(options);
  return {
    prompt: (observation: Image, info: Info) => ({
      text: llavaConversation(
        pointsTask(shape, (info.state as PointsState | undefined)?.formula ?? [], cot, thought),
      ),
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
export function pointsReply(info: Info, advice: PointsAdvice, options: TextOptions = {}): string {
  const action: [string, string] = ['action', `"${advice.token}"`];
  if (!(options.cot ?? true)) return jsonSkeleton([action]);
  const state = info.state as PointsState;
  const f = formulaText(state.formula);
  if (pointsThought(options) === 'plan') {
    return jsonSkeleton([
      ['cards', `[${[...state.numbers].sort((a, b) => a - b).join(', ')}]`],
      ['current formula', f],
      ['thoughts', JSON.stringify(planThought(f, advice, state.target))],
      action,
    ]);
  }
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

/**
 * A `plan` thought: the current formula, the cursor, the rest of the plan, then `=target`; at a
 * dead end the cursor is followed by `=` and `no <target>`. The token after the cursor is always
 * the action.
 */
export function planThought(formula: string, advice: PointsAdvice, target: number): string {
  if (advice.kind === 'dead-end') return `${formula}${PLAN_CURSOR}= no ${target}`;
  const played = formula.replace(/ /g, '');
  const plan = (advice.plan ?? []).join('');
  if (!plan.startsWith(played))
    throw new Error(`pointsReply: the plan '${plan}' does not extend the current formula '${formula}'`);
  return `${formula}${PLAN_CURSOR}${plan.slice(played.length)}=${target}`;
}
