import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EnvRegistry, type Info } from '@rl4vlm/env';
import { RandomPolicy } from '@rl4vlm/policy';
import { collectRollout, makeTextEnvs } from '@rl4vlm/trainer';
import { afterEach, describe, expect, it } from 'vitest';
import { RemoteEnv, remoteEnvSpec } from '../src/index.js';
import { NUMBER_LINE } from './helpers.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Starts a real server process and resolves with its ws URL. */
function startServerProcess(port = 0): Promise<{ child: ChildProcess; url: string }> {
  const script = fileURLToPath(new URL('./fixtures/serve-child.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, NUMBER_LINE, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve({ child, url: d.toString().trim() }));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

describe('an env server killed mid-episode', () => {
  it('ends that episode as truncated with info.error, and the rollout goes on on the other server', {
    timeout: 60_000,
  }, async () => {
    const a = await startServerProcess();
    const b = await startServerProcess();
    const id = `remote:${a.url},${b.url}`;
    const registry = new EnvRegistry();
    registry.register(remoteEnvSpec(id));
    // Exactly what the trainer does with a config's env: envs 0 and 2 on server a, 1 and 3 on b.
    const envs = makeTextEnvs(registry, { id, kwargs: {}, text: {} }, 4);
    expect(envs.map((e) => (e.env as RemoteEnv).server)).toEqual([a.url, b.url, a.url, b.url]);
    const stepInfos: Info[][] = envs.map(() => []);
    const recorded = envs.map((env, i) => ({
      reset: (o?: { seed?: number }) => env.reset(o),
      prompt: env.prompt.bind(env),
      step: async (reply: string) => {
        const r = await env.step(reply);
        stepInfos[i]!.push({ ...r.info, truncated: r.truncated });
        return r;
      },
    }));
    const random = new RandomPolicy({ labels: ['-', '+'] });
    let calls = 0;
    const policy = {
      id: 'random-then-kill',
      async generate(prompts: any, options: any) {
        calls += 1;
        if (calls === 6) {
          a.child.kill('SIGKILL');
          await new Promise((resolve) => a.child.once('exit', resolve));
        }
        return random.generate(prompts, options);
      },
    };
    const rollout = await collectRollout({
      envs: recorded,
      policy,
      numSteps: 20,
      seed: 1,
      update: 0,
      generate: {},
      thoughtCoef: 1,
    });
    expect(rollout.steps.length).toBe(20);
    for (const i of [0, 2]) {
      const failed = stepInfos[i]![5]!;
      expect(failed.truncated).toBe(true);
      expect(failed.errorCode).toBe('CONNECTION_LOST');
      expect(String(failed.error)).toContain(a.url);
      expect(rollout.steps[5]![i]!.truncated).toBe(true);
      // It reconnected (to b, the server still up) and went on playing.
      expect((envs[i]!.env as RemoteEnv).server).toBe(b.url);
      expect(stepInfos[i]!.slice(6).every((info) => info.error === undefined)).toBe(true);
    }
    // Envs on the surviving server never noticed.
    for (const i of [1, 3]) expect(stepInfos[i]!.every((info) => info.error === undefined)).toBe(true);
    await Promise.all(envs.map((e) => e.close()));
  });

  it('makes a reset that finds no server answering throw one clear error naming every server', async () => {
    const a = await startServerProcess();
    a.child.kill('SIGKILL');
    await new Promise((resolve) => a.child.once('exit', resolve));
    const env = new RemoteEnv({ urls: [a.url, 'ws://127.0.0.1:1'] });
    const error = await env.reset({ seed: 1 }).catch((e) => e);
    expect(error.message).toMatch(/no env server answered/);
    expect(error.message).toContain(a.url);
    expect(error.message).toContain('ws://127.0.0.1:1');
    expect(error.message).toMatch(/rl4vlm env-serve/);
  });
  it('reconnects to the same server once it is back, and plays the next episode there', {
    timeout: 60_000,
  }, async () => {
    const first = await startServerProcess();
    const port = Number(new URL(first.url).port);
    const env = new RemoteEnv({ urls: [first.url] });
    await env.reset({ seed: 3 });
    await env.stepAction('+');
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const cut = await env.step('{"action": "+"}');
    expect(cut).toMatchObject({
      truncated: true,
      terminated: false,
      reward: 0,
      info: { errorCode: 'CONNECTION_LOST' },
    });
    // The server comes back on its port (a restarted container, a sidecar supervisor).
    const second = await startServerProcess(port);
    expect(second.url).toBe(first.url);
    const again = await env.reset({ seed: 3 });
    expect(again.observation.prompt).toContain('<image>');
    expect(env.connections).toBe(2);
    const step = await env.stepAction('+');
    expect(step.info.error).toBeUndefined();
    await env.close();
  });
});
