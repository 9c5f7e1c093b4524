import { describe, expect, it } from 'vitest';
import { type Info, TextEnv, type TextInterface, TimeLimit } from '../src/index.js';
import { WalkEnv, type WalkObs } from './fixtures/walk-env.js';

const walkText: TextInterface<WalkObs, number> = {
  prompt: (obs, info) => ({
    text: `<image>\nYou are at ${info.pos}. Reply {"action": "left" or "right"}`,
    images: [obs.image],
  }),
  parse: (reply) => {
    const m = /"action":\s*"(left|right)"/.exec(reply.toLowerCase());
    return m ? (m[1] === 'left' ? 0 : 1) : { invalid: 'no "action": "left" or "right" in the reply' };
  },
};

describe('TextEnv', () => {
  it('builds prompts with images and parses a good reply', async () => {
    const env = new TextEnv(new WalkEnv(), walkText);
    const { observation, info } = await env.reset({ seed: 2 });
    const prompt = env.prompt(observation, info);
    expect(prompt.text).toContain(`You are at ${info.pos}`);
    expect(prompt.images).toHaveLength(1);
    const r = await env.step('{"thoughts": "go", "action": "right"}');
    expect(r.info.parse).toEqual({ ok: true, action: 1 });
    expect(r.info.pos).toBe((info.pos as number) + 1);
  });

  it("plays a random legal action on a bad reply (the paper's rule), reproducibly from the seed", async () => {
    const actions = async () => {
      const env = new TextEnv(new WalkEnv({ size: 40 }), walkText);
      await env.reset({ seed: 9 });
      const out: unknown[] = [];
      for (let i = 0; i < 10; i++) out.push(((await env.step('gibberish')).info.parse as any).action);
      return out;
    };
    const a = await actions();
    expect(a).toEqual(await actions());
    expect(new Set(a)).toEqual(new Set([0, 1]));
    const env = new TextEnv(new WalkEnv(), walkText);
    await env.reset({ seed: 9 });
    const r = await env.step('nothing');
    expect(r.info.parse).toMatchObject({
      ok: false,
      handledBy: 'random',
      error: expect.stringContaining('"action"'),
    });
  });

  it('penalty and noop leave the env where it was, and still end at the time limit', async () => {
    for (const [onInvalid, reward] of [
      [{ kind: 'penalty', penalty: -2 }, -2],
      [{ kind: 'noop' }, 0],
    ] as const) {
      const inner = new TimeLimit(new WalkEnv({ size: 30 }), 3);
      inner.spec = { id: 'test/Walk-v0', maxEpisodeSteps: 3 };
      const env = new TextEnv(inner, walkText, { onInvalid });
      const { info } = await env.reset({ seed: 1 });
      const results = [await env.step('?'), await env.step('?'), await env.step('?')];
      for (const r of results) {
        expect(r.reward).toBe(reward);
        expect((r.info as Info).pos).toBe(info.pos);
        expect(r.info.parse).toMatchObject({ ok: false, handledBy: onInvalid.kind });
      }
      expect(results.map((r) => r.truncated)).toEqual([false, false, true]);
    }
  });
  it('stepAction plays an action chosen without text and records it as parsed', async () => {
    const env = new TextEnv(new WalkEnv(), walkText);
    const { info } = await env.reset({ seed: 4 });
    const r = await env.stepAction(0);
    expect(r.info.parse).toEqual({ ok: true, action: 0 });
    expect(r.info.pos).toBe((info.pos as number) - 1);
    // The text layer reads the new state next: a reply now parses against it.
    const next = await env.step('{"action": "right"}');
    expect(next.info.pos).toBe(info.pos);
    await expect(new TextEnv(new WalkEnv(), walkText).stepAction(1)).rejects.toThrow(/reset/);
  });

  it('a passthrough text layer hands the reply to the env unparsed and keeps its info.parse', async () => {
    const seen: string[] = [];
    const inner = new WalkEnv();
    const parsingEnv = {
      observationSpace: inner.observationSpace,
      actionSpace: inner.actionSpace,
      reset: (o: any) => inner.reset(o),
      render: () => inner.render(),
      close: () => inner.close(),
      step: (reply: any) => {
        seen.push(reply);
        const r = inner.step(1);
        return { ...r, info: { ...r.info, parse: { ok: false, error: 'from the server' } } };
      },
    };
    const env = new TextEnv(parsingEnv as any, { ...walkText, passthrough: true });
    await env.reset({ seed: 1 });
    const r = await env.step('free text');
    expect(seen).toEqual(['free text']);
    expect(r.info.parse).toEqual({ ok: false, error: 'from the server' });
  });
});
