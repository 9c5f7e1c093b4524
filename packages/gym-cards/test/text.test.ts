import { EnvRegistry, isInvalidReply, TextEnv } from '@rl4vlm/env';
import { describe, expect, it } from 'vitest';
import {
  BLACKJACK_ACTIONS,
  type BlackjackState,
  blackjackText,
  blackjackValue,
  createOracle,
  EZ_POINTS_ACTIONS,
  ezPointsText,
  GYM_CARDS_IDS,
  LLAVA_SYSTEM,
  NUMBER_LINE_ACTIONS,
  numberLineText,
  oracleReply,
  parseActionReply,
  points24Actions,
  points24Text,
  registerGymCards,
} from '../src/index.js';

const P24 = points24Actions();

describe('reply parser (RL4VLM text_projection)', () => {
  it('reads the value after "action": case-insensitively', () => {
    expect(parseActionReply('{"thoughts": "go up", "action": "+"}', NUMBER_LINE_ACTIONS)).toBe(1);
    expect(parseActionReply('{"Thoughts": "x", "ACTION": "HIT"}', BLACKJACK_ACTIONS)).toBe(1);
    expect(parseActionReply('"action": "stand"', BLACKJACK_ACTIONS)).toBe(0);
  });

  it('ignores everything before the first "action": (thoughts may mention any token)', () => {
    expect(parseActionReply('I could - or + ... "action": "-"', NUMBER_LINE_ACTIONS)).toBe(0);
    expect(parseActionReply('hit or stand? "action": "hit"', BLACKJACK_ACTIONS)).toBe(1);
  });

  it('is invalid without an "action": key, naming the legal actions', () => {
    const r = parseActionReply('I choose +', NUMBER_LINE_ACTIONS);
    expect(isInvalidReply(r) && r.invalid).toMatch(/no "action": field.*"-", "\+"/);
    expect(isInvalidReply(parseActionReply('"action" : "+"', NUMBER_LINE_ACTIONS))).toBe(true);
  });

  it('is invalid when zero or several distinct legal tokens follow', () => {
    const none = parseActionReply('"action": "jump"', NUMBER_LINE_ACTIONS);
    expect(isInvalidReply(none) && none.invalid).toMatch(/names no legal action/);
    const two = parseActionReply('"action": "+" (or maybe "-")', NUMBER_LINE_ACTIONS);
    expect(isInvalidReply(two) && two.invalid).toMatch(/names 2 actions \("-", "\+"\)/);
    // Upstream quirk kept: a hyphenated word after the key counts as "-".
    expect(isInvalidReply(parseActionReply('"action": "+", "note": "well-known"', NUMBER_LINE_ACTIONS))).toBe(
      true,
    );
    expect(parseActionReply('"action": "+" "+"', NUMBER_LINE_ACTIONS)).toBe(1); // one distinct token
  });

  it('reads "10" as ten, not as "1" and "0" (points games)', () => {
    expect(parseActionReply('"action": "10"', EZ_POINTS_ACTIONS, { multiDigitFirst: true })).toBe(9);
    expect(parseActionReply('"action": "1"', EZ_POINTS_ACTIONS, { multiDigitFirst: true })).toBe(0);
    expect(isInvalidReply(parseActionReply('"action": "10"', EZ_POINTS_ACTIONS))).toBe(true); // without the rule
    const both = parseActionReply('"action": "10" + "1"', EZ_POINTS_ACTIONS, { multiDigitFirst: true });
    expect(isInvalidReply(both)).toBe(true);
    expect(parseActionReply('"action": "("', P24, { multiDigitFirst: true })).toBe(P24.indexOf('('));
    expect(parseActionReply('"action": "="}', P24, { multiDigitFirst: true })).toBe(16);
  });

  it('handles 11, 12, 13 when face cards keep their rank', () => {
    const labels = points24Actions(false);
    expect(labels).toHaveLength(20);
    expect(parseActionReply('"action": "12"', labels, { multiDigitFirst: true })).toBe(11);
    expect(parseActionReply('"action": "13"', labels, { multiDigitFirst: true })).toBe(12);
  });
});

describe('prompts', () => {
  const image = { width: 300, height: 300, data: new Uint8Array(300 * 300 * 3) };

  it('wrap the task in the llava_v1 conversation with one <image> and end the skeleton with "action"', () => {
    const cases = [
      [
        numberLineText({ cot: true }),
        ['"current number"', '"target number"', '"thoughts"', '"action": "-" or "+"'],
      ],
      [blackjackText({ cot: true }), ['"thoughts"', '"action": "stand" or "hit"']],
      [
        ezPointsText({ cot: true }),
        ['"cards": [x, y]', '"current formula"', '"thoughts"', '"action": "{number}" or "{operator}"'],
      ],
      [points24Text({ cot: true }), ['"cards": [x, y, z, w]', '"current formula"', '"thoughts"', '"action"']],
    ] as const;
    for (const [text, keys] of cases) {
      const prompt = text.prompt(image, { state: { formula: ['3', '*'] } });
      expect(prompt.images).toEqual([image]);
      expect(prompt.text.startsWith(`${LLAVA_SYSTEM} USER: <image>\n`)).toBe(true);
      expect(prompt.text.endsWith('}\nASSISTANT:') || prompt.text.endsWith('} ASSISTANT:')).toBe(true);
      expect(prompt.text.split('<image>')).toHaveLength(2);
      let at = -1;
      for (const key of keys) {
        const next = prompt.text.indexOf(key);
        expect(next, key).toBeGreaterThan(at);
        at = next;
      }
    }
  });

  it('show the current formula and the legal tokens in the points games', () => {
    const text = points24Text().prompt(image, { state: { formula: ['(', '10', '-'] } }).text;
    expect(text).toContain("current formula: '(10-'");
    expect(text).toContain(
      "['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '+', '-', '*', '/', '(', ')', '=']",
    );
    expect(text).toContain('evaluates to 24');
    expect(ezPointsText().prompt(image, { state: { formula: [] } }).text).toContain('evaluates to 12');
  });

  it('keep only the action field without chain of thought', () => {
    for (const text of [
      numberLineText({ cot: false }),
      blackjackText({ cot: false }),
      ezPointsText({ cot: false }),
      points24Text({ cot: false }),
    ]) {
      const prompt = text.prompt(image, { state: { formula: [] } }).text;
      expect(prompt).not.toContain('"thoughts"');
      expect(prompt).toMatch(/\{\n {2}"action": [^\n]+\n\} ASSISTANT:$/);
    }
  });
});

describe('oracle replies round-trip through the parser', () => {
  const registry = new EnvRegistry();
  registerGymCards({ registry });
  for (const id of Object.values(GYM_CARDS_IDS)) {
    it(`${id}: parse(oracleReply) is the oracle's action on every step, with and without CoT`, async () => {
      const oracle = createOracle(id);
      for (const cot of [true, false]) {
        const env = new TextEnv(registry.make(id), registry.spec(id).text!({ cot }));
        for (let seed = 0; seed < 40; seed++) {
          let { observation, info } = await env.reset({ seed });
          for (let t = 0; t < 30; t++) {
            const reply = oracleReply(id, info, { cot });
            expect(env.parse(reply, info)).toBe(oracle.action(info));
            if (cot) expect(reply).toMatch(/"thoughts": "[^"]+",\n {2}"action": "[^"]+"\n\}$/);
            expect(env.prompt(observation, info).text).toContain('ASSISTANT:');
            const step = await env.step(reply);
            expect(step.info.parse).toMatchObject({ ok: true });
            ({ observation, info } = step);
            if (step.terminated || step.truncated) break;
          }
        }
      }
    });
  }
});

describe("Blackjack's chain of thought", () => {
  it('adds the cards up one at a time, states the up-card, then decides: every number follows from the frame', async () => {
    const registry = new EnvRegistry();
    registerGymCards({ registry });
    const id = GYM_CARDS_IDS.blackjack;
    const oracle = createOracle(id);
    const env = registry.make(id);
    const decisions = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      const { info } = await env.reset({ seed });
      const state = info.state as BlackjackState;
      const reply = oracleReply(id, info, { cot: true });
      const thoughts = JSON.parse(reply).thoughts as string;
      const label = BLACKJACK_ACTIONS[oracle.action(info)];
      expect(thoughts).toContain(`a total of ${state.playerTotal}`);
      // Each addition is right and adds the next card, so the last one is the hard total.
      const sums = [...thoughts.matchAll(/(\d+) \+ (\d+) = (\d+)/g)].map((m) => m.slice(1).map(Number));
      const cards = state.player.map(blackjackValue);
      expect(sums).toEqual(
        cards.slice(1).map((card, i) => {
          const before = cards.slice(0, i + 1).reduce((x, y) => x + y, 0);
          return [before, card, before + card];
        }),
      );
      expect(sums.at(-1)![2]! + (state.usableAce ? 10 : 0)).toBe(state.playerTotal);
      expect(thoughts.endsWith(`So I ${label}.`)).toBe(true);
      // Every number in the thoughts is a card, the total or the up-card's worth (1–21), never an expected value.
      for (const n of thoughts.match(/-?\d+(\.\d+)?/g) ?? [])
        expect(Number(n)).toSatisfy((v: number) => Number.isInteger(v) && v >= 1 && v <= 21);
      decisions.add(label!);
    }
    expect(decisions).toEqual(new Set(BLACKJACK_ACTIONS));
  });
});
