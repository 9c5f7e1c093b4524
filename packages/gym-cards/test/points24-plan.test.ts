import { EnvRegistry, Rng, TextEnv } from '@rl4vlm/env';
import { describe, expect, it } from 'vitest';
import {
  createOracle,
  evaluateFormula,
  GYM_CARDS_IDS,
  PLAN_CURSOR,
  type PointsState,
  points24Actions,
  points24Text,
  rational,
  registerGymCards,
} from '../src/index.js';
import { equals } from '../src/rational.js';

const ID = GYM_CARDS_IDS.points24;
const LABELS = points24Actions();
const registry = new EnvRegistry();
registerGymCards({ registry });
const oracle = createOracle(ID);
const plan = { cot: true, thought: 'plan' } as const;

/** The reply's fields, read back with plain regular expressions (what a model must write). */
function fields(reply: string) {
  const cards = /"cards": \[([^\]]*)\]/.exec(reply)![1]!.split(', ').map(Number);
  const thought = JSON.parse(/"thoughts": ("[^"]*")/.exec(reply)![1]!) as string;
  const action = /"action": "([^"]+)"/.exec(reply)![1]!;
  return { cards, thought, action };
}

/** Number tokens of a formula string, read greedily (`10` is one token). */
const numbersIn = (formula: string) => (formula.match(/10|[1-9]/g) ?? []).map(Number);

describe("Points24's plan thought (env.text.thought: 'plan')", () => {
  it('names the dealt values sorted, a plan that makes 24 with each card once, and its next token as the action', async () => {
    const env = new TextEnv(registry.make(ID), points24Text(plan));
    let solvable = 0;
    for (let seed = 0; seed < 120; seed++) {
      const { info } = await env.reset({ seed });
      const state = info.state as PointsState;
      const reply = oracle.reply(info, plan);
      const { cards, thought, action } = fields(reply);
      expect(cards).toEqual([...state.numbers].sort((a, b) => a - b));
      expect(thought.indexOf(PLAN_CURSOR)).toBe(0); // nothing played yet
      expect(env.parse(reply, info)).toBe(oracle.action(info));
      if (thought === '|= no 24') {
        expect(action).toBe('=');
        continue;
      }
      solvable++;
      const formula = /^\|(.+)=24$/.exec(thought)![1]!;
      const tokens = formula.match(/10|[1-9]|[-+*/()]/g)!;
      const value = evaluateFormula(tokens);
      expect(value.ok && equals(value.value, rational(24)), formula).toBe(true);
      expect(numbersIn(formula).sort((a, b) => a - b)).toEqual(cards);
      expect(formula.startsWith(action)).toBe(true);
    }
    expect(solvable).toBeGreaterThan(70); // about 73% of deals
  });

  it('depends only on the multiset of values: every order of a deal gets the same first reply', () => {
    const reply = (numbers: number[]) =>
      oracle.reply(
        { state: { cards: [], numbers, formula: [], usedCards: [], target: 24 } satisfies PointsState },
        plan,
      );
    const first = reply([8, 6, 2, 8]);
    for (const order of [
      [2, 6, 8, 8],
      [8, 8, 6, 2],
      [6, 8, 2, 8],
    ])
      expect(reply(order)).toBe(first);
  });

  it('keeps the action the token after the cursor on every step, also after random moves', async () => {
    const env = new TextEnv(registry.make(ID), points24Text(plan));
    const rng = new Rng(7);
    let deadEnds = 0;
    for (let seed = 0; seed < 30; seed++) {
      let { info } = await env.reset({ seed });
      for (let t = 0; t < 30; t++) {
        const reply = oracle.reply(info, plan);
        const { thought, action } = fields(reply);
        const formula = (info.state as PointsState).formula.join('');
        expect(thought.startsWith(`${formula}${PLAN_CURSOR}`)).toBe(true);
        expect(thought.slice(formula.length + 1).startsWith(action)).toBe(true);
        if (thought.endsWith('= no 24')) deadEnds++;
        const id = env.parse(reply, info) as number;
        expect(id).toBe(oracle.action(info));
        // A quarter of the moves are random, so the oracle must also plan from where they lead.
        const played = rng.float() < 0.25 ? rng.int(0, LABELS.length - 1) : id;
        const r = await env.step(LABELS[played]!);
        if (r.terminated || r.truncated) {
          if (played === id && action === '=' && !thought.endsWith('= no 24')) expect(r.reward).toBe(10);
          break;
        }
        info = r.info;
      }
    }
    expect(deadEnds).toBeGreaterThan(0);
  });

  it('leaves the default thought as it was, and names the field and the values for an unknown one', async () => {
    const { info } = await registry.make(ID).reset({ seed: 3 });
    expect(oracle.reply(info, { cot: true })).toBe(oracle.reply(info, { cot: true, thought: 'sentence' }));
    expect(oracle.reply(info, { cot: true })).toMatch(/[Ww]ith the cards \d/);
    expect(() => points24Text({ thought: 'search' })).toThrow(
      /env\.text\.thought must be one of 'sentence', 'plan', got "search"/,
    );
    expect(() => oracle.reply(info, { thought: 'search' })).toThrow(/env\.text\.thought/);
  });

  it("describes the plan in the prompt's skeleton", () => {
    const image = { width: 300, height: 300, data: new Uint8Array(300 * 300 * 3) };
    const text = points24Text(plan).prompt(image, { state: { formula: ['(', '8'] } }).text;
    expect(text).toContain('"cards": [x, y, z, w] sorted');
    expect(text).toContain("with '|' after the part already in '(8'");
  });
});
