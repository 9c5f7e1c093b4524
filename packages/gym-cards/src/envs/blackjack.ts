import { BaseEnv, Discrete, type Image, ImageSpace, type ResetResult, type StepResult } from '@rl4vlm/env';
import { z } from 'zod';
import {
  type BlackjackRules,
  blackjackValue,
  drawBlackjackCard,
  handTotal,
  isBust,
  settle,
  usableAce,
} from '../blackjack-rules.js';
import { type Card, rankLetter } from '../cards.js';
import { FRAME_SIZE, renderBlackjack } from '../render/scenes.js';

/** Blackjack's kwargs, as Gymnasium Blackjack-v1's `natural` and `sab`. */
export const blackjackKwargsSchema = z.object({ natural: z.boolean(), sab: z.boolean() }).strict();
export type BlackjackKwargs = z.infer<typeof blackjackKwargsSchema>;

/** Action labels by id. */
export const BLACKJACK_ACTIONS = ['stand', 'hit'] as const;

/** A card as the original's info tuple: `[value, face, suit]`, e.g. `[10, 'K', 'H']`. */
export type CardTuple = [value: number, face: string, suit: string];

/** The state as data, in `info.state`. Only `dealerShowing` of the dealer's hand is visible to a player. */
export interface BlackjackState {
  player: Card[];
  playerTotal: number;
  usableAce: boolean;
  dealerShowing: Card;
  /** The whole dealer hand, the hole card included: for tests and debugging, not for policies. */
  dealerHand: Card[];
}

const tuple = (c: Card): CardTuple => [blackjackValue(c), rankLetter(c.rank), c.suit];

/**
 * `gym-cards/Blackjack-v0`: Gymnasium Blackjack-v1 (Sutton & Barto, Example 5.1) drawn as
 * pixels. Infinite deck; `hit` draws a card (−1 on a bust), `stand` lets the dealer draw to 17
 * (standing on soft 17) and scores +1/0/−1. `natural` pays 1.5 for a winning natural; `sab`
 * makes any player natural beat a dealer non-natural.
 */
export class BlackjackEnv extends BaseEnv<Image, number> {
  readonly observationSpace = new ImageSpace(FRAME_SIZE, FRAME_SIZE);
  readonly actionSpace = new Discrete(2, { labels: BLACKJACK_ACTIONS });
  override metadata = { renderModes: ['rgb_array'] };
  readonly rules: BlackjackRules;
  private dealer: Card[] = [];
  private player: Card[] = [];
  private frame?: Image;

  constructor(kwargs: Partial<BlackjackKwargs> = {}) {
    super();
    this.rules = blackjackKwargsSchema.parse({ natural: false, sab: false, ...kwargs });
  }

  /** The symbolic state (also in `info.state`). */
  get state(): BlackjackState {
    const values = this.player.map(blackjackValue);
    return {
      player: this.player.map((c) => ({ ...c })),
      playerTotal: handTotal(values),
      usableAce: usableAce(values),
      dealerShowing: { ...this.dealer[0]! },
      dealerHand: this.dealer.map((c) => ({ ...c })),
    };
  }

  protected resetEpisode(): ResetResult<Image> {
    // Dealer first, then player, as Blackjack-v1.
    this.dealer = [drawBlackjackCard(this.rng), drawBlackjackCard(this.rng)];
    this.player = [drawBlackjackCard(this.rng), drawBlackjackCard(this.rng)];
    return { observation: this.redraw(), info: this.info() };
  }

  protected stepEpisode(action: number): StepResult<Image> {
    let reward = 0;
    let terminated = false;
    if (action === 1) {
      this.player.push(drawBlackjackCard(this.rng));
      if (isBust(this.player.map(blackjackValue))) {
        reward = -1;
        terminated = true;
      }
    } else {
      terminated = true;
      while (handTotal(this.dealer.map(blackjackValue)) < 17) this.dealer.push(drawBlackjackCard(this.rng));
      reward = settle(this.player.map(blackjackValue), this.dealer.map(blackjackValue), this.rules);
    }
    return { observation: this.redraw(), reward, terminated, truncated: false, info: this.info() };
  }

  render(): Image {
    return this.frame ?? this.redraw();
  }

  private redraw(): Image {
    this.frame = renderBlackjack(this.dealer[0]!, this.player);
    return this.frame;
  }

  private info() {
    return {
      'Dealer Card': this.dealer.map(tuple),
      'Player Card': this.player.map(tuple),
      state: this.state,
    };
  }
}
