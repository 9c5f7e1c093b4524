import { describe, expect, it } from 'vitest';
import { EZ_POINTS_ACTIONS, EzPointsEnv, type PointsState, parseCardCode } from '../src/index.js';

const act = (token: string) => EZ_POINTS_ACTIONS.indexOf(token as (typeof EZ_POINTS_ACTIONS)[number]);
const state = (info: Record<string, unknown>) => info.state as PointsState;

describe('EZPoints-v0 rules', () => {
  it('deals two cards that make 12 by a+b or a*b; card 1 never an ace, card 2 never a picture card', () => {
    const env = new EzPointsEnv();
    let byProduct = 0;
    for (let seed = 0; seed < 2000; seed++) {
      const s = state(env.reset({ seed }).info);
      const [a, b] = s.numbers as [number, number];
      expect(a + b === 12 || a * b === 12).toBe(true);
      if (a + b !== 12) byProduct++;
      const ranks = s.cards.map((c) => parseCardCode(c).rank);
      expect(ranks).not.toContain(1);
      // At most one card can be J, Q or K (the first card drawn).
      expect(ranks.filter((r) => r > 10).length).toBeLessThanOrEqual(1);
      expect(s.numbers).toEqual(ranks.map((r) => Math.min(r, 10)));
    }
    expect(byProduct).toBeGreaterThan(0);
  });

  it('pays +10 for a correct formula and terminates on =', () => {
    const env = new EzPointsEnv();
    const s = state(env.reset({ seed: 3 }).info);
    const [a, b] = s.numbers as [number, number];
    const op = a + b === 12 ? '+' : '*';
    for (const t of [String(a), op, String(b)]) expect(env.step(act(t)).reward).toBe(0);
    const end = env.step(act('='));
    expect([end.reward, end.terminated, end.truncated]).toEqual([10, true, false]);
    expect(state(end.info).formula).toEqual([String(a), op, String(b)]);
  });

  it('gives -1 for a wrong formula, an empty one, or one that does not use both cards', () => {
    const env = new EzPointsEnv();
    const s = state(env.reset({ seed: 4 }).info);
    const [a, b] = s.numbers as [number, number];
    const wrong = a + b === 12 ? '*' : '+';
    for (const t of [String(a), wrong, String(b)]) env.step(act(t));
    expect(env.step(act('=')).reward).toBe(-1);
    env.reset({ seed: 4 });
    expect(env.step(act('=')).reward).toBe(-1);
    env.reset({ seed: 4 });
    env.step(act(String(a)));
    const partial = env.step(act('='));
    expect([partial.reward, partial.terminated]).toEqual([-1, true]);
  });

  it('marks an unavailable number with a space and -1, without terminating', () => {
    const env = new EzPointsEnv();
    const s = state(env.reset({ seed: 5 }).info);
    const missing = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].find((n) => !s.numbers.includes(n))!;
    const step = env.step(act(String(missing)));
    expect([step.reward, step.terminated, step.truncated]).toEqual([-1, false, false]);
    expect(state(step.info).formula).toEqual([' ']);
    expect(state(step.info).usedCards).toEqual([]);
    // A card can be used once only (twice when both cards have that value).
    env.step(act(String(s.numbers[0])));
    const again = env.step(act(String(s.numbers[0])));
    expect(again.reward).toBe(s.numbers[0] === s.numbers[1] ? 0 : -1);
  });

  it('truncates with -1 once the formula is longer than 5 entries, ignoring the action', () => {
    const env = new EzPointsEnv();
    env.reset({ seed: 6 });
    for (let i = 0; i < 6; i++) {
      const step = env.step(act('+'));
      expect([step.reward, step.terminated, step.truncated]).toEqual([0, false, false]);
    }
    const cut = env.step(act('='));
    expect([cut.reward, cut.terminated, cut.truncated]).toEqual([-1, false, true]);
    expect(state(cut.info).formula).toHaveLength(6);
  });

  it('does not concatenate adjacent numbers (upstream eval read "2" "6" as 26)', () => {
    const env = new EzPointsEnv();
    for (let seed = 0; seed < 500; seed++) {
      const s = state(env.reset({ seed }).info);
      const [a, b] = s.numbers as [number, number];
      env.step(act(String(a)));
      env.step(act(String(b)));
      expect(env.step(act('=')).reward).toBe(-1);
    }
  });

  it('only accepts targetPoints 12', () => {
    expect(() => new EzPointsEnv({ targetPoints: 24 as 12 })).toThrow(/must be 12/);
  });
});
