import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TextEnv } from '@rl4vlm/env';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvServer } from '../src/index.js';
import { BLACKJACK, gymRegistry, serve } from './helpers.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../python/openenv_client.py', import.meta.url));

function hasPython(): boolean {
  try {
    execFileSync('python3', ['--version']);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasPython())('a Python client (standard library only)', () => {
  let server: EnvServer;
  beforeAll(async () => {
    server = await serve({ envId: BLACKJACK });
  });
  afterAll(() => server.close());

  it('plays seeded Blackjack episodes through the server exactly as they play in process', {
    timeout: 60_000,
  }, async () => {
    const registry = gymRegistry();
    for (const seed of [1, 2, 3, 4]) {
      const { stdout } = await run('python3', [
        script,
        server.wsUrl,
        '--seed',
        String(seed),
        '--steps',
        '10',
      ]);
      const lines = stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines[0]).toEqual({ schema: ['action', 'observation', 'state'] });
      expect(lines[1]).toEqual({ error_before_reset: 'EXECUTION_ERROR' });
      const steps = lines.slice(2, -1);
      const state = lines.at(-1).state;
      expect(state).toMatchObject({ seed, step_count: steps.length, env_id: BLACKJACK });
      // The same seed and replies in process.
      const env = new TextEnv(registry.make(BLACKJACK), registry.spec(BLACKJACK).text!({ cot: true }));
      let current = await env.reset({ seed });
      for (const step of steps) {
        const prompt = env.prompt(current.observation, current.info);
        expect(step.prompt).toBe(prompt.text);
        expect(step.size).toEqual([prompt.images[0]!.width, prompt.images[0]!.height]);
        expect(step.pixels).toBe(createHash('sha256').update(prompt.images[0]!.data).digest('hex'));
        const result = await env.step(step.reply);
        expect(step.reward).toBe(result.reward);
        expect(step.done).toBe(result.terminated || result.truncated);
        expect(step.parse).toEqual(result.info.parse);
        current = result;
      }
      expect(steps.at(-1).done).toBe(true);
    }
  });
});
