import { describe, expect, it } from 'vitest';
import {
  BlackjackEnv,
  BlackjackSolver,
  type BlackjackState,
  blackjackValue,
  handTotal,
  isNatural,
  settle,
  usableAce,
} from '../src/index.js';

const state = (info: Record<string, unknown>) => info.state as BlackjackState;

describe('Blackjack-v1 rules', () => {
  it('counts one ace as 11 when that does not bust', () => {
    expect(handTotal([1, 6])).toBe(17);
    expect(usableAce([1, 6])).toBe(true);
    expect(handTotal([1, 6, 10])).toBe(17);
    expect(usableAce([1, 6, 10])).toBe(false);
    expect(handTotal([1, 1, 9])).toBe(21);
    expect(isNatural([10, 1])).toBe(true);
    expect(isNatural([1, 5, 5])).toBe(false);
  });

  it('settles +1/0/-1 by score, a bust scoring 0; natural pays 1.5; sab lets a natural beat a dealer 21', () => {
    const plain = { natural: false, sab: false };
    expect(settle([10, 9], [10, 8], plain)).toBe(1);
    expect(settle([10, 8], [10, 8], plain)).toBe(0);
    expect(settle([10, 7], [10, 5, 9], plain)).toBe(1); // dealer bust
    expect(settle([1, 10], [7, 7, 7], plain)).toBe(0); // natural vs 3-card 21: a draw by default
    expect(settle([1, 10], [10, 8], { natural: true, sab: false })).toBe(1.5);
    expect(settle([1, 10], [7, 7, 7], { natural: false, sab: true })).toBe(1);
    expect(settle([1, 10], [10, 1], { natural: false, sab: true })).toBe(0);
  });

  it('deals two cards each; hit adds a card (0, or -1 and terminated on a bust); stand lets the dealer reach 17', () => {
    const env = new BlackjackEnv();
    let busts = 0;
    for (let seed = 0; seed < 300; seed++) {
      const first = state(env.reset({ seed }).info);
      expect(first.player).toHaveLength(2);
      expect(first.dealerHand).toHaveLength(2);
      const hit = env.step(1);
      const s = state(hit.info);
      expect(s.player).toHaveLength(3);
      if (s.playerTotal > 21) {
        busts++;
        expect([hit.reward, hit.terminated]).toEqual([-1, true]);
        continue;
      }
      expect([hit.reward, hit.terminated, hit.truncated]).toEqual([0, false, false]);
      const stand = env.step(0);
      const end = state(stand.info);
      const dealer = handTotal(end.dealerHand.map(blackjackValue));
      expect(dealer).toBeGreaterThanOrEqual(17);
      expect(
        handTotal(end.dealerHand.slice(0, -1).map(blackjackValue)) < 17 || end.dealerHand.length === 2,
      ).toBe(true);
      const p = end.playerTotal;
      const d = dealer > 21 ? 0 : dealer;
      expect(stand.reward).toBe(Math.sign(p - d));
      expect(stand.terminated).toBe(true);
    }
    expect(busts).toBeGreaterThan(0);
  });

  it('shows the original info tuples with value, face and suit; value-10 cards are J, Q or K', () => {
    const env = new BlackjackEnv();
    const faces = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      const { info } = env.reset({ seed });
      for (const [value, face, suit] of info['Player Card'] as [number, string, string][]) {
        expect('CDHS').toContain(suit);
        if (value === 10) expect(['J', 'Q', 'K']).toContain(face);
        else expect(face).toBe(value === 1 ? 'A' : String(value));
        faces.add(face);
      }
    }
    expect(faces.has('T')).toBe(false);
    expect(faces.size).toBe(12);
  });
});

describe('Blackjack dynamic programming', () => {
  const solver = new BlackjackSolver();

  it('gives the known optimal figures: win 42.95%, draw 9.45%, E[return] -0.0466', () => {
    const o = solver.expectedOutcome();
    expect(o.win).toBeCloseTo(0.4295, 4);
    expect(o.draw).toBeCloseTo(0.0945, 4);
    expect(o.loss).toBeCloseTo(0.476, 3);
    expect(o.expectedReturn).toBeCloseTo(-0.0466, 4);
    expect(o.win + o.draw + o.loss).toBeCloseTo(1, 10);
  });

  it('plays textbook decisions for this dealer (stands on soft 17)', () => {
    expect(solver.bestAction([10, 2], 4)).toBe(0); // 12 vs 4: stand
    expect(solver.bestAction([10, 2], 2)).toBe(1); // 12 vs 2: hit
    expect(solver.bestAction([10, 6], 10)).toBe(1); // 16 vs 10: hit
    expect(solver.bestAction([10, 7], 10)).toBe(0); // 17: stand
    expect(solver.bestAction([1, 6], 9)).toBe(1); // soft 17 vs 9: hit
    expect(solver.bestAction([1, 7], 2)).toBe(0); // soft 18 vs 2: stand
    expect(solver.bestAction([5, 6], 10)).toBe(1); // 11: hit
    expect(solver.bestAction([10, 1], 10)).toBe(0); // 21: stand
  });

  it('values are bounded and stand is worth exactly the dealer-distribution expectation', () => {
    for (let up = 1; up <= 10; up++) {
      for (let total = 4; total <= 21; total++) {
        const v = solver.standValue(total, false, up);
        expect(v).toBeGreaterThanOrEqual(-1);
        expect(v).toBeLessThanOrEqual(1);
      }
      // Standing on 21 is never worse than on 20, and a hand under 17 loses unless the dealer busts.
      expect(solver.standValue(21, false, up)).toBeGreaterThanOrEqual(solver.standValue(20, false, up));
      expect(solver.standValue(16, false, up)).toBeCloseTo(solver.standValue(4, false, up), 12);
    }
  });

  it('natural=true raises the value of a natural above the default rules', () => {
    const paid = new BlackjackSolver({ natural: true, sab: false });
    expect(paid.value([1, 10], 5)).toBeGreaterThan(solver.value([1, 10], 5));
    expect(paid.expectedOutcome().expectedReturn).toBeGreaterThan(solver.expectedOutcome().expectedReturn);
  });
});
