import { TextEnv } from '@rl4vlm/env';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HouseholdEnv, type HouseholdInfo } from '../src/household/household-env.js';
import { householdKwargsSchema, householdSpec } from '../src/household-spec.js';
import { ALFWORLD_COT_LAMBDA, alfworldText } from '../src/text/alfworld-text.js';
import { writeExpertReply } from '../src/text/expert-reply.js';
import { AlfworldHistoryWrapper } from '../src/text/history-wrapper.js';
import { parseAlfworldAction } from '../src/text/parse-action.js';
import { alfworldPrompt } from '../src/text/prompt.js';
import { pythonListRepr, pythonRepr } from '../src/text/python-repr.js';
import { AlfworldRewardWrapper } from '../src/text/reward-wrapper.js';

const CABINETS = ['go to cabinet 1', 'go to cabinet 10', 'go to cabinet 2', 'inventory', 'look'];

describe('parseAlfworldAction', () => {
  it('prefers the longest admissible command: "cabinet 10" is not read as "cabinet 1" (the original bug)', () => {
    expect(parseAlfworldAction('{"thoughts": "x", "action": "go to cabinet 10"}', CABINETS)).toBe(
      'go to cabinet 10',
    );
    expect(parseAlfworldAction('{"thoughts": "x", "action": "go to cabinet 1"}', CABINETS)).toBe(
      'go to cabinet 1',
    );
  });

  it('searches only from "action": on, lower-cased; without the key, only the last 30 characters', () => {
    expect(parseAlfworldAction('I could go to cabinet 2 but "Action": "LOOK"', CABINETS)).toBe('look');
    expect(
      parseAlfworldAction(
        'go to cabinet 2 ........................................ then inventory',
        CABINETS,
      ),
    ).toBe('inventory');
    // "go to cabinet 2" is 56 characters before the end: outside the 30-character tail.
    expect(parseAlfworldAction(`go to cabinet 2${'.'.repeat(40)}`, CABINETS)).toBe(
      `go to cabinet 2${'.'.repeat(40)}`,
    );
  });

  it('sends the raw lower-cased reply when nothing matches (RL4VLM), or reports it with onNoMatch: invalid', () => {
    expect(parseAlfworldAction('{"action": "Dance"}', CABINETS)).toBe('{"action": "dance"}');
    expect(parseAlfworldAction('{"action": "dance"}', CABINETS, { onNoMatch: 'invalid' })).toEqual({
      invalid: 'no admissible command found in the "action" value',
    });
  });

  it('plays the nearest admissible command with onNoMatch: closest (edit distance, then list order)', () => {
    const here = [
      'examine cabinet 1',
      'go to drawer 1',
      'go to fridge 1',
      'inventory',
      'look',
      'open cabinet 1',
    ];
    const closest = { onNoMatch: 'closest' } as const;
    // Wrong number: the one-character miss wins over every other command.
    expect(parseAlfworldAction('{"thoughts": "t", "action": "open cabinet 2"}', here, closest)).toBe(
      'open cabinet 1',
    );
    // A garbled receptacle; the thought's words outside the action value do not count.
    expect(
      parseAlfworldAction('{"thoughts": "go to fridge 1", "action": "go to drawer vase 1"}', here, closest),
    ).toBe('go to drawer 1');
    // No "action" key: the last 30 characters are the value.
    expect(parseAlfworldAction('I will now just lok', here, closest)).toBe('look');
    // An exact match is still read as before, and other policies are unchanged.
    expect(parseAlfworldAction('{"action": "go to fridge 1"}', here, closest)).toBe('go to fridge 1');
    expect(parseAlfworldAction('{"action": "open cabinet 2"}', here)).toBe('{"action": "open cabinet 2"}');
    // Every non-empty reply becomes an admissible command (property).
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (reply) => {
        fc.pre(reply.trim() !== '');
        expect(here).toContain(parseAlfworldAction(reply, here, closest));
      }),
    );
  });

  it('names the allowed onNoMatch values when given another', () => {
    expect(() => alfworldText({ onNoMatch: 'nearest' as never })).toThrow(
      /onNoMatch must be one of 'raw', 'invalid', 'closest', got "nearest"/,
    );
  });

  it('calls an empty reply invalid, so TextEnv plays a random admissible command', () => {
    expect(parseAlfworldAction('  ', CABINETS)).toEqual({ invalid: 'empty reply: no action given' });
  });

  it('reads back any admissible command written in the reply format (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.nat(), fc.string(), (n, pick, thoughts) => {
        const commands = Array.from({ length: n }, (_, i) => `go to cabinet ${i + 1}`).sort();
        const command = commands[pick % n]!;
        const reply = `{"thoughts": ${JSON.stringify(thoughts)}, "action": "${command}"}`;
        expect(parseAlfworldAction(reply, commands)).toBe(command);
      }),
    );
  });
});

describe('alfworldPrompt', () => {
  it('reproduces the RL4VLM prompt byte for byte', () => {
    const prompt = alfworldPrompt(
      { text: "You arrive at loc 3. There's\na mug." },
      { goal: 'put a cool mug in cabinet', admissibleCommands: ['go to cabinet 1', 'look'] },
    );
    expect(prompt.images).toEqual([]);
    expect(prompt.text).toBe(
      'Your are an expert in the ALFRED Embodied Environment. ' +
        'You are also given the following text description of the current scene: ["You arrive at loc 3. There\'s\\na mug."]. ' +
        'Your task is to put a cool mug in cabinet. ' +
        "Your admissible actions of the current situation are: ['go to cabinet 1'\n 'look']. " +
        'Your response should be a valid json file in the following format: \n\\{\n' +
        '"thoughts": "{first describe what do you see in the image using the text description, then carefully think about which action to complete the task. }", \n' +
        '"action": "{an admissible action}"\n\\}',
    );
    const actionOnly = alfworldPrompt({ text: 'x' }, { goal: 'g', admissibleCommands: [] }, { cot: false });
    expect(actionOnly.text).not.toContain('thoughts');
    expect(actionOnly.text.endsWith('format: \n\\{\n"action": "{an admissible action}"\n\\}')).toBe(true);
  });

  it("prints text as Python's repr does", () => {
    expect(pythonRepr('plain')).toBe("'plain'");
    expect(pythonRepr("it's")).toBe('"it\'s"');
    expect(pythonRepr('both \' and "')).toBe("'both \\' and \"'");
    expect(pythonRepr('a\\b\tc\u0001')).toBe("'a\\\\b\\tc\\x01'");
    expect(pythonListRepr(['a', 'b'])).toBe("['a', 'b']");
  });

  it('puts the frame behind an <image> placeholder in the visual variant', () => {
    const env = new HouseholdEnv({ imageSize: 64 });
    const { observation, info } = env.reset({ seed: 0 });
    const prompt = alfworldText().prompt(observation, info);
    expect(prompt.text.startsWith('<image>\nYour are an expert')).toBe(true);
    expect(prompt.images).toEqual([observation.image]);
    for (const c of (info as HouseholdInfo).admissibleCommands) expect(prompt.text).toContain(`'${c}'`);
  });
});

describe('AlfworldRewardWrapper', () => {
  it('pays 50·won + goal rate − 1·illegal every step (RL4VLM)', async () => {
    const env = new AlfworldRewardWrapper(new HouseholdEnv({ image: false, taskTypes: ['Clean'] }));
    let { info } = await env.reset({ seed: 9 });
    const bad = await env.step('juggle');
    expect(bad.reward).toBe(-1);
    expect(bad.info.rewardTerms).toEqual({ success: 0, progress: 0, penalty: -1 });
    const rewards: number[] = [];
    for (let t = 0; t < 30; t++) {
      const step = await env.step((info as HouseholdInfo).expertCommand!);
      rewards.push(step.reward);
      expect(step.reward).toBeCloseTo(
        50 * Number(step.info.won) + (step.info.goalConditionSuccessRate as number),
        10,
      );
      info = step.info;
      if (step.terminated) break;
    }
    expect(rewards.at(-1)).toBe(51);
    // Once cleaned, a third of the goal pays on every later step (a level, not a difference).
    expect(rewards.filter((r) => Math.abs(r - 1 / 3) < 1e-9).length).toBeGreaterThanOrEqual(2);
  });

  it('is configurable: difference mode pays progress once; options are validated', async () => {
    const env = new AlfworldRewardWrapper(new HouseholdEnv({ image: false, taskTypes: ['Clean'] }), {
      successBonus: 10,
      invalidPenalty: 0.5,
      progressMode: 'difference',
    });
    let { info } = await env.reset({ seed: 9 });
    let progress = 0;
    for (let t = 0; t < 30; t++) {
      const step = await env.step((info as HouseholdInfo).expertCommand!);
      progress += (step.info.rewardTerms as { progress: number }).progress;
      info = step.info;
      if (step.terminated) {
        expect(step.info.rewardTerms).toMatchObject({ success: 10 });
        break;
      }
    }
    expect(progress).toBeCloseTo(1, 10);
    expect((await env.step('x').catch((e: Error) => e)) instanceof Error).toBe(true);
    expect(() => new AlfworldRewardWrapper(new HouseholdEnv(), { invalidPenalty: -1 })).toThrow(
      /invalidPenalty/,
    );
    expect(() => new AlfworldRewardWrapper(new HouseholdEnv(), { bonus: 5 } as never)).toThrow(/bonus/);
  });

  it('outside a TextEnv, also penalises an empty reply that was replaced by a random command', async () => {
    const inner = new TextEnv(new HouseholdEnv({ image: false }), alfworldText());
    const env = new AlfworldRewardWrapper(inner);
    await env.reset({ seed: 1 });
    const step = await env.step('');
    expect(step.info.parse).toMatchObject({ ok: false, handledBy: 'random' });
    expect(step.info.commandValid).toBe(true);
    expect(step.info.rewardTerms).toMatchObject({ penalty: -1 });
  });
});

describe('expert replies', () => {
  it('writes {"thoughts", "action"} replies that parse back to the expert command', () => {
    const env = new HouseholdEnv({ image: false });
    for (let seed = 0; seed < 20; seed++) {
      let { observation, info } = env.reset({ seed });
      for (let t = 0; t < 50 && (info as HouseholdInfo).expertCommand; t++) {
        const i = info as HouseholdInfo;
        const reply = writeExpertReply(
          { command: i.expertCommand!, reason: 'because' },
          { observationText: observation.text, goal: i.goal },
        );
        const parsed = JSON.parse(reply);
        expect(Object.keys(parsed)).toEqual(['thoughts', 'action']);
        expect(parseAlfworldAction(reply, i.admissibleCommands)).toBe(i.expertCommand);
        ({ observation, info } = env.step(i.expertCommand!));
      }
    }
    expect(writeExpertReply({ command: 'look', reason: 'r' }, { cot: false })).toBe('{"action": "look"}');
  });

  it("the oracle's 'plan' thought writes the expert's plan where it has one, its reason elsewhere", async () => {
    const short = householdSpec.oracle!({ cot: true }, {});
    const plan = householdSpec.oracle!({ cot: true, thought: 'plan' }, {});
    const env = new HouseholdEnv({ image: false, expert: 'search' });
    let planned = 0;
    for (let seed = 0; seed < 10; seed++) {
      let { observation, info } = env.reset({ seed });
      for (let t = 0; t < 50 && (info as HouseholdInfo).expertCommand; t++) {
        const i = info as HouseholdInfo;
        const prompt = alfworldPrompt(observation, i);
        const a = JSON.parse(await plan(prompt, i));
        const b = JSON.parse(await short(prompt, i));
        expect(a.action).toBe(i.expertCommand);
        expect(b.action).toBe(i.expertCommand);
        expect(b.thoughts).toContain(i.expertReason);
        if (i.expertPlan) {
          planned++;
          expect(a.thoughts).toBe(`My task is to ${i.goal}. ${i.expertPlan}.`);
        } else expect(a.thoughts).toBe(b.thoughts);
        ({ observation, info } = env.step(i.expertCommand!));
      }
    }
    expect(planned).toBeGreaterThan(20);
    expect(() => householdSpec.oracle!({ thought: 'long' }, {})).toThrow(
      /env\.text\.thought must be one of 'short', 'plan', got "long"/,
    );
    expect(() => alfworldText({ thought: 'long' as never })).toThrow(/env\.text\.thought/);
  });

  it('exports the ALFWorld CoT λ of the paper', () => {
    expect(ALFWORLD_COT_LAMBDA).toBe(0.2);
  });
});

describe('history (env kwarg)', () => {
  const make = (history: number) =>
    new TextEnv(
      householdSpec.factory(householdKwargsSchema.parse({ image: false, history })) as never,
      alfworldText({ cot: true }),
    );
  const sentence = (text: string) =>
    text.slice(text.indexOf('You have taken'), text.indexOf('You are also given'));

  it('shows the last K steps, oldest first, before the current scene; with 0 the prompt is RL4VLM’s', async () => {
    const plain = make(0);
    const kept = make(2);
    let a = await plain.reset({ seed: 4 });
    let b = await kept.reset({ seed: 4 });
    expect(kept.prompt(b.observation, b.info).text).toBe(plain.prompt(a.observation, a.info).text);
    const seen: { observation: string; action: string }[] = [];
    for (let t = 0; t < 3; t++) {
      const command = (b.info as HouseholdInfo).expertCommand!;
      seen.push({ observation: b.observation.text, action: command });
      const reply = writeExpertReply({ command, reason: 'next' }, { cot: true });
      [a, b] = [await plain.step(reply), await kept.step(reply)];
    }
    const withHistory = kept.prompt(b.observation, b.info).text;
    const without = plain.prompt(a.observation, a.info).text;
    expect(sentence(withHistory)).toBe(
      `You have taken 3 steps; the last 2, oldest first: [Observation: ${pythonRepr(seen[1]!.observation)}, Action: '${seen[1]!.action}'], [Observation: ${pythonRepr(seen[2]!.observation)}, Action: '${seen[2]!.action}']. `,
    );
    expect(sentence(without)).toBe('');
    // Everything else is the same prompt, word for word.
    expect(withHistory.replace(sentence(withHistory), '')).toBe(without);
    // A new episode starts with no history.
    b = await kept.reset({ seed: 5 });
    expect(sentence(kept.prompt(b.observation, b.info).text)).toBe('');
  });

  it('rejects a history length that is not a whole number from 0 to 50, naming the field', () => {
    for (const history of [-1, 1.5, 51]) {
      const parsed = householdKwargsSchema.safeParse({ history });
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues[0]!.path).toEqual(['history']);
    }
    expect(() => new AlfworldHistoryWrapper(new HouseholdEnv() as never, 0)).toThrow(
      /length must be an integer ≥ 1/,
    );
  });
});
