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
 * shows (the player's cards and total, the dealer's up-card) and then decide: every fact in them
 * can be read off the frame, so a policy imitating them never has to invent a number. (An earlier
 * version also quoted each action's expected return; a small model copied the format but not the
 * values, and then followed its invented values to the wrong action.)
 */
export function blackjackReply(info: Info, action: number, { cot = true }: TextOptions = {}): string {
  const label = BLACKJACK_ACTIONS[action]!;
  if (!cot) return jsonSkeleton([['action', `"${label}"`]]);
  const state = info.state as BlackjackState;
  const mine = state.player.map((c) => rankLabel(c.rank)).join(', ');
  const up = state.dealerShowing;
  const ace = state.usableAce ? ', counting an ace as 11' : '';
  const thoughts = `My cards are ${mine}, a total of ${state.playerTotal}${ace}. The dealer shows ${rankLabel(up.rank)}, worth ${blackjackValue(up) === 1 ? '1 or 11' : blackjackValue(up)}. So I ${label}.`;
  return jsonSkeleton([
    ['thoughts', JSON.stringify(thoughts)],
    ['action', `"${label}"`],
  ]);
}
