import { type BlackjackRules, CARD_VALUE_PROBABILITIES, handTotal } from './blackjack-rules.js';

/** One of the dealer's finished outcomes given the up-card, with whether the first two cards were a natural. */
interface DealerOutcome {
  score: number; // 0 when bust
  natural: boolean;
  probability: number;
}

function dealerOutcomes(up: number): DealerOutcome[] {
  const acc = new Map<string, DealerOutcome>();
  const addOutcome = (score: number, natural: boolean, probability: number) => {
    const key = `${score}|${natural}`;
    const o = acc.get(key);
    if (o) o.probability += probability;
    else acc.set(key, { score, natural, probability });
  };
  const play = (values: number[], probability: number, natural: boolean) => {
    const total = handTotal(values);
    if (total >= 17) {
      addOutcome(total > 21 ? 0 : total, natural, probability);
      return;
    }
    for (const [v, p] of CARD_VALUE_PROBABILITIES) play([...values, v], probability * p, false);
  };
  for (const [hole, p] of CARD_VALUE_PROBABILITIES) {
    const hand = [up, hole];
    const natural = (up === 1 && hole === 10) || (up === 10 && hole === 1);
    play(hand, p, natural);
  }
  return [...acc.values()];
}

/** Expected returns of the two actions in one state. */
export interface BlackjackActionValues {
  stand: number;
  hit: number;
}

/**
 * The optimal Blackjack-v1 policy, by dynamic programming over (card sum with aces as 1,
 * has an ace, dealer up-card value). Exact for the infinite deck: drawing from it does not
 * depend on the cards already seen.
 */
export class BlackjackSolver {
  readonly rules: BlackjackRules;
  private readonly dealer = new Map<number, DealerOutcome[]>();
  private readonly memo = new Map<string, BlackjackActionValues>();

  constructor(rules: BlackjackRules = { natural: false, sab: false }) {
    this.rules = rules;
    for (let up = 1; up <= 10; up++) this.dealer.set(up, dealerOutcomes(up));
  }

  /** Expected reward of standing now. `playerNatural` is true only for an ace + ten as the first two cards. */
  standValue(playerTotal: number, playerNatural: boolean, dealerUp: number): number {
    const p = playerTotal > 21 ? 0 : playerTotal;
    let value = 0;
    for (const o of this.dealer.get(dealerUp)!) {
      let reward = Math.sign(p - o.score);
      if (this.rules.sab && playerNatural && !o.natural) reward = 1;
      else if (!this.rules.sab && this.rules.natural && playerNatural && reward === 1) reward = 1.5;
      value += o.probability * reward;
    }
    return value;
  }

  /**
   * Expected returns of standing and hitting, given the player's card values and the dealer's up-card value,
   * when playing optimally afterwards.
   */
  actionValues(playerValues: readonly number[], dealerUp: number): BlackjackActionValues {
    const raw = playerValues.reduce((a, b) => a + b, 0);
    const ace = playerValues.includes(1);
    const natural = playerValues.length === 2 && ace && playerValues.includes(10);
    if (natural) {
      const inner = this.values(raw, ace, dealerUp);
      return { stand: this.standValue(21, true, dealerUp), hit: inner.hit };
    }
    return this.values(raw, ace, dealerUp);
  }

  /** The optimal state value: the better of the two actions. */
  value(playerValues: readonly number[], dealerUp: number): number {
    const q = this.actionValues(playerValues, dealerUp);
    return Math.max(q.stand, q.hit);
  }

  /** 1 (hit) or 0 (stand); stands on ties. */
  bestAction(playerValues: readonly number[], dealerUp: number): 0 | 1 {
    const q = this.actionValues(playerValues, dealerUp);
    return q.hit > q.stand ? 1 : 0;
  }

  /**
   * The exact expected return of optimal play from a fresh deal, and the probabilities of
   * winning, drawing and losing an episode.
   */
  expectedOutcome(): { expectedReturn: number; win: number; draw: number; loss: number } {
    let expectedReturn = 0;
    let win = 0;
    let draw = 0;
    let loss = 0;
    const probs = CARD_VALUE_PROBABILITIES;
    for (const [up, pu] of probs) {
      for (const [a, pa] of probs) {
        for (const [b, pb] of probs) {
          const p = pu * pa * pb;
          expectedReturn += p * this.value([a, b], up);
          const o = this.outcomeDistribution([a, b], up);
          win += p * o.win;
          draw += p * o.draw;
          loss += p * o.loss;
        }
      }
    }
    return { expectedReturn, win, draw, loss };
  }

  private outcomeDistribution(
    playerValues: number[],
    up: number,
  ): { win: number; draw: number; loss: number } {
    if (this.bestAction(playerValues, up) === 0) {
      const total = handTotal(playerValues);
      const natural = playerValues.length === 2 && playerValues.includes(1) && playerValues.includes(10);
      const r = { win: 0, draw: 0, loss: 0 };
      for (const o of this.dealer.get(up)!) {
        let reward = Math.sign(total - o.score);
        if (this.rules.sab && natural && !o.natural) reward = 1;
        if (reward > 0) r.win += o.probability;
        else if (reward === 0) r.draw += o.probability;
        else r.loss += o.probability;
      }
      return r;
    }
    const r = { win: 0, draw: 0, loss: 0 };
    for (const [v, p] of CARD_VALUE_PROBABILITIES) {
      const next = [...playerValues, v];
      if (handTotal(next) > 21) r.loss += p;
      else {
        const sub = this.outcomeDistribution(next, up);
        r.win += p * sub.win;
        r.draw += p * sub.draw;
        r.loss += p * sub.loss;
      }
    }
    return r;
  }

  private values(raw: number, ace: boolean, up: number): BlackjackActionValues {
    const key = `${raw}|${ace}|${up}`;
    const hit = this.memo.get(key);
    if (hit) return hit;
    const total = ace && raw + 10 <= 21 ? raw + 10 : raw;
    const stand = this.standValue(total, false, up);
    let hitValue = 0;
    for (const [v, p] of CARD_VALUE_PROBABILITIES) {
      const nextRaw = raw + v;
      if (nextRaw > 21) hitValue -= p;
      else {
        const q = this.values(nextRaw, ace || v === 1, up);
        hitValue += p * Math.max(q.stand, q.hit);
      }
    }
    const result = { stand, hit: hitValue };
    this.memo.set(key, result);
    return result;
  }
}
