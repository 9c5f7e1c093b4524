import type { Image, Info, TextInterface, TextOptions } from '@rl4vlm/env';
import { blackjackValue } from '../blackjack-rules.js';
import { rankLabel } from '../cards.js';
import { BLACKJACK_ACTIONS, type BlackjackState } from '../envs/blackjack.js';
import { jsonSkeleton, llavaConversation } from './llava.js';
import { parseActionReply } from './parse-action.js';

/** The Blackjack task prompt (inside the conversation wrapper). */
export function blackjackTask({ cot = true }: TextOptions = {}): string {
  const intro =
    'You are a blackjack player. You are looking at the current game state in the image, ' +
    "with the dealer's cards on top and yours below. " +
    `You can choose between ${JSON.stringify(BLACKJACK_ACTIONS).replaceAll('"', "'")}. ` +
    'Your response should be valid JSON in the following format:\n';
  const action: [string, string] = ['action', '"stand" or "hit"'];
  return (
    intro +
    jsonSkeleton(
      cot
        ? [
            [
              'thoughts',
              `"{first describe your total points and the dealer's points, then decide which action to take}"`,
            ],
            action,
          ]
        : [action],
    )
  );
}

/** The text layer of Blackjack: prompt (with or without chain of thought) and reply parser. */
export function blackjackText(options: TextOptions = {}): TextInterface<Image, number> {
  const text = llavaConversation(blackjackTask(options));
  return {
    prompt: (observation: Image) => ({ text, images: [observation] }),
    parse: (reply: string) => parseActionReply(reply, BLACKJACK_ACTIONS),
  };
}

/**
 * A reply in Blackjack's format naming `action`. With `cot`, the thoughts read out what the image
 * shows and then decide: the player's cards, added up one card at a time ("6 + 1 = 7, 7 + 10 = 17",
 * aces as 1, then one ace as 11 when that does not bust), the dealer's up-card, the action. Every
 * number in them follows from the frame by one small step, so a policy imitating them never has
 * to invent one: a `tiny` policy that had to write a 3-card total in one go got most of them wrong,
 * and an earlier version that quoted each action's expected return had it follow invented values.
 */
export function blackjackReply(info: Info, action: number, { cot = true }: TextOptions = {}): string {
  const label = BLACKJACK_ACTIONS[action]!;
  if (!cot) return jsonSkeleton([['action', `"${label}"`]]);
  const state = info.state as BlackjackState;
  const mine = state.player.map((c) => rankLabel(c.rank)).join(', ');
  const up = state.dealerShowing;
  const thoughts = `My cards are ${mine}; adding them up, ${runningSum(state)}. The dealer shows ${rankLabel(up.rank)}, worth ${blackjackValue(up) === 1 ? '1 or 11' : blackjackValue(up)}. So I ${label}.`;
  return jsonSkeleton([
    ['thoughts', JSON.stringify(thoughts)],
    ['action', `"${label}"`],
  ]);
}

/** "6 + 1 = 7, 7 + 10 = 17, a total of 17", with "and counting an ace as 11" when one is usable. */
function runningSum(state: BlackjackState): string {
  const values = state.player.map(blackjackValue);
  const steps: string[] = [];
  let sum = values[0]!;
  for (const value of values.slice(1)) {
    steps.push(`${sum} + ${value} = ${sum + value}`);
    sum += value;
  }
  const ace = state.usableAce ? ', and counting an ace as 11' : '';
  return `${steps.join(', ')}${ace}, a total of ${state.playerTotal}`;
}
