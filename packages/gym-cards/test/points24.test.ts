import { describe, expect, it } from 'vitest';
import { Points24Env, type PointsState, parseCardCode, points24Actions } from '../src/index.js';

const labels = points24Actions();
const act = (t: string) => labels.indexOf(t);
const state = (info: Record<string, unknown>) => info.state as PointsState;

describe('Points24-v0 rules', () => {
  it('deals four cards with uniform ranks A..K, faces worth 10 (or their rank when treatFaceCardsAs10 is false)', () => {
    const env = new Points24Env();
    const rankCounts = new Array(14).fill(0);
    for (let seed = 0; seed < 1300; seed++) {
      const s = state(env.reset({ seed }).info);
      expect(s.cards).toHaveLength(4);
      s.cards.forEach((code, i) => {
        const rank = parseCardCode(code).rank;
        rankCounts[rank]++;
        expect(s.numbers[i]).toBe(Math.min(rank, 10));
      });
    }
    for (let r = 1; r <= 13; r++) expect(rankCounts[r]).toBeGreaterThan(300);
    const raw = new Points24Env({ treatFaceCardsAs10: false });
    expect(raw.actionSpace.n).toBe(20);
    for (let seed = 0; seed < 50; seed++) {
      const s = state(raw.reset({ seed }).info);
      expect(s.numbers).toEqual(s.cards.map((c) => parseCardCode(c).rank));
    }
  });

  it('has the 17 original actions in order', () => {
    expect(new Points24Env().actionSpace.labels).toEqual([
      ...'1 2 3 4 5 6 7 8 9 10'.split(' '),
      '+',
      '-',
      '*',
      '/',
      '(',
      ')',
      '=',
    ]);
  });

  it('pays +10 only for exactly 24 using all four cards, with exact division', () => {
    const env = new Points24Env();
    // Seed 726 deals 8, 8, 3, 3 (found by scanning seeds): play the classic 8/(3-8/3).
    const seed = 726;
    expect([...state(env.reset({ seed }).info).numbers].sort()).toEqual([3, 3, 8, 8]);
    for (const t of ['8', '/', '(', '3', '-', '8', '/', '3', ')']) expect(env.step(act(t)).reward).toBe(0);
    const end = env.step(act('='));
    expect([end.reward, end.terminated]).toEqual([10, true]);
    env.reset({ seed });
    for (const t of ['8', '+', '8', '+', '3', '+', '3']) env.step(act(t));
    expect(env.step(act('=')).reward).toBe(-1); // 22
    env.reset({ seed });
    for (const t of ['8', '*', '3']) env.step(act(t));
    expect(env.step(act('=')).reward).toBe(-1); // 24 but only two cards
  });

  it('gives -1 for division by zero and syntax errors', () => {
    const env = new Points24Env();
    const s = state(env.reset({ seed: 9 }).info);
    const [a, b] = s.numbers;
    for (const t of [String(a), '/', '(', String(b), '-', String(b)]) env.step(act(t));
    expect(env.step(act('=')).reward).toBe(-1);
  });

  it('truncates with -1 once the formula is longer than 20 entries', () => {
    const env = new Points24Env();
    env.reset({ seed: 1 });
    for (let i = 0; i < 21; i++) expect(env.step(act('(')).truncated).toBe(false);
    const cut = env.step(act('='));
    expect([cut.reward, cut.terminated, cut.truncated]).toEqual([-1, false, true]);
  });
});
