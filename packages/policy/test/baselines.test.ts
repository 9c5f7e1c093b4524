import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isTrainablePolicy,
  jsonActionReply,
  OraclePolicy,
  RandomPolicy,
  tokenRangeOfChars,
} from '../src/index.js';

const prompt = (info?: Record<string, unknown>) => ({
  text: 'USER: <image>\nplay ASSISTANT:',
  images: [],
  info,
});

/** What the RL4VLM parser does: the text after the first `"action":`. */
function actionOf(reply: string): string {
  const suffix = reply.slice(reply.indexOf('"action":') + '"action":'.length);
  return JSON.parse(suffix.slice(0, suffix.lastIndexOf('}')));
}

describe('RandomPolicy', () => {
  it('always writes a legal action in the JSON reply format', () => {
    fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 8 }),
        fc.integer(),
        async (labels, seed) => {
          const policy = new RandomPolicy({ labels });
          const gens = await policy.generate([prompt(), prompt()], { seed });
          for (const g of gens) {
            expect(labels).toContain(actionOf(g.text));
            expect(JSON.parse(g.text).action).toBe(actionOf(g.text));
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('is reproducible for a seed and covers every label', async () => {
    const policy = new RandomPolicy({ labels: ['stand', 'hit'] });
    const many = Array.from({ length: 64 }, () => prompt());
    const a = (await policy.generate(many, { seed: 7 })).map((g) => g.text);
    const b = (await policy.generate(many, { seed: 7 })).map((g) => g.text);
    const c = (await policy.generate(many, { seed: 8 })).map((g) => g.text);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(new Set(a.map(actionOf))).toEqual(new Set(['stand', 'hit']));
  });

  it("reads legal actions from the prompt's info when given no labels", async () => {
    const policy = new RandomPolicy();
    const [g] = await policy.generate([prompt({ admissibleCommands: ['go to desk 1'] })], { seed: 1 });
    expect(actionOf(g!.text)).toBe('go to desk 1');
    await expect(policy.generate([prompt({})])).rejects.toThrow(
      /legalActions, admissibleCommands, actionLabels/,
    );
  });

  it('takes labels per prompt from a function and a custom format', async () => {
    const policy = new RandomPolicy({ labels: (p) => [String(p.info?.only)], format: (l) => `ACT ${l}` });
    const [g] = await policy.generate([prompt({ only: 42 })]);
    expect(g!.text).toBe('ACT 42');
    expect(() => new RandomPolicy({ labels: [] })).toThrow(/at least one/);
  });

  it("falls back to the prompt's info when the labels function gives none (ALFWorld under the CLI)", async () => {
    const policy = new RandomPolicy({ labels: (p) => (p.info?.fixed ? ['+'] : undefined) });
    const [fixed, household] = await policy.generate([
      prompt({ fixed: true, admissibleCommands: ['look'] }),
      prompt({ admissibleCommands: ['open drawer 1'] }),
    ]);
    expect(actionOf(fixed!.text)).toBe('+');
    expect(actionOf(household!.text)).toBe('open drawer 1');
    await expect(policy.generate([prompt({})])).rejects.toThrow(/admissibleCommands/);
  });
});

describe('OraclePolicy', () => {
  it('passes each prompt and its info to the oracle', async () => {
    const oracle = new OraclePolicy((_p, info) =>
      jsonActionReply((info.target as number) > (info.current as number) ? '+' : '-', 'read'),
    );
    const gens = await oracle.generate([
      prompt({ target: 3, current: 1 }),
      prompt({ target: 0, current: 1 }),
    ]);
    expect(gens.map((g) => actionOf(g.text))).toEqual(['+', '-']);
    expect(isTrainablePolicy(oracle)).toBe(false);
    await expect(new OraclePolicy(() => 3 as never).generate([prompt()])).rejects.toThrow(
      /must return the reply text/,
    );
  });
});

describe('tokenRangeOfChars', () => {
  it('maps a character range to the tokens overlapping it, skipping empty special tokens', () => {
    // tokens: '{"' 'action' '":' ' "+' '"}' <eos>
    const offsets: [number, number][] = [
      [0, 2],
      [2, 8],
      [8, 10],
      [10, 13],
      [13, 15],
      [15, 15],
    ];
    expect(tokenRangeOfChars(offsets, 1, 10)).toEqual([0, 3]);
    expect(tokenRangeOfChars(offsets, 11, 12)).toEqual([3, 4]);
    expect(tokenRangeOfChars(offsets, 15, 16)).toBeUndefined();
  });

  it('agrees with a brute-force definition', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 20 }),
        fc.nat(40),
        fc.nat(10),
        (lens, s, w) => {
          let at = 0;
          const offsets = lens.map((l) => {
            const r: [number, number] = [at, at + l];
            at += l;
            return r;
          });
          const hits = offsets
            .map((o, i) => (o[1] > o[0] && o[0] < s + w && o[1] > s ? i : -1))
            .filter((i) => i >= 0);
          const got = tokenRangeOfChars(offsets, s, s + w);
          expect(got).toEqual(hits.length ? [hits[0], hits[hits.length - 1]! + 1] : undefined);
        },
      ),
    );
  });
});
