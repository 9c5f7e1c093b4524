import { imagesEqual, TextEnv } from '@rl4vlm/env';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EnvServer, RemoteEnv, remoteText, toJsonSafe } from '../src/index.js';
import { BLACKJACK, gymRegistry, NUMBER_LINE, replyFor, serve } from './helpers.js';

/**
 * Plays `episodes` episodes (the first seeded, the next reset unseeded, as the trainer's
 * auto-reset) and records every frame: prompt, images, reward, flags, info.
 */
async function play(env: TextEnv<any, any>, seed: number, labels: readonly string[], steps: number) {
  const frames: {
    text: string;
    images: any[];
    reward?: number;
    terminated?: boolean;
    truncated?: boolean;
    info: unknown;
  }[] = [];
  let current = await env.reset({ seed });
  for (let t = 0; t < steps; t++) {
    const prompt = env.prompt(current.observation, current.info);
    const step = await env.step(replyFor(labels, t));
    frames.push({
      text: prompt.text,
      images: prompt.images,
      reward: step.reward,
      terminated: step.terminated,
      truncated: step.truncated,
      info: toJsonSafe(step.info),
    });
    current = step.terminated || step.truncated ? await env.reset() : step;
  }
  return frames;
}

describe.each([
  [NUMBER_LINE, ['-', '+']],
  [BLACKJACK, ['stand', 'hit']],
])('%s over the network', (envId, labels) => {
  let server: EnvServer;
  beforeAll(async () => {
    server = await serve({ envId });
  });
  afterAll(() => server.close());

  it('gives the same episodes, frame for frame, as in process', async () => {
    const registry = gymRegistry();
    const spec = registry.spec(envId);
    for (const seed of [0, 7, 123456]) {
      const local = new TextEnv(registry.make(envId), spec.text!({ cot: true }));
      const remote = new TextEnv(new RemoteEnv({ urls: [server.wsUrl] }), remoteText);
      const a = await play(local, seed, labels, 40);
      const b = await play(remote, seed, labels, 40);
      await remote.close();
      expect(b.length).toBe(a.length);
      for (let i = 0; i < a.length; i++) {
        expect(b[i]!.text).toBe(a[i]!.text);
        expect(b[i]!.images.length).toBe(a[i]!.images.length);
        for (let k = 0; k < a[i]!.images.length; k++)
          expect(imagesEqual(b[i]!.images[k], a[i]!.images[k])).toBe(true);
        expect(b[i]!.reward).toBe(a[i]!.reward);
        expect(b[i]!.terminated).toBe(a[i]!.terminated);
        expect(b[i]!.truncated).toBe(a[i]!.truncated);
        expect(b[i]!.info).toEqual(a[i]!.info);
      }
      // The replies include ones that do not parse: the server's verdict reaches the client.
      expect(b.some((f) => (f.info as any).parse.ok === false)).toBe(true);
      expect(b.filter((f) => f.terminated).length).toBeGreaterThan(0);
    }
  });
});
