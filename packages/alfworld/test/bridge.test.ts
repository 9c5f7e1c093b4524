import { EnvRegistry, registerManifest, TextEnv } from '@rl4vlm/env';
import { describeEnvConformance } from '@rl4vlm/env/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { type AlfworldBridgeInfo, AlfworldEnv } from '../src/bridge/alfworld-env.js';
import { AlfworldSidecar } from '../src/bridge/alfworld-sidecar.js';
import { parseBridgeOptions } from '../src/bridge/bridge-options.js';
import { AlfworldNotInstalledError, PythonNotFoundError, SidecarTimeoutError } from '../src/bridge/errors.js';
import manifest from '../src/index.js';
import { PYTHON } from './python.js';

// The test backend, through a real python3 subprocess. Short deadlines keep the fault tests quick.
const FAKE = {
  python: PYTHON,
  backend: 'fake',
  allowFaults: true,
  timeouts: { stepMs: 3_000, resetMs: 5_000, initMs: 5_000 },
} as const;
const open: AlfworldEnv[] = [];
function bridge(extra: Record<string, unknown> = {}): AlfworldEnv {
  const env = new AlfworldEnv({ ...FAKE, ...extra });
  open.push(env);
  return env;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function playExpert(env: AlfworldEnv, seed: number) {
  let { info } = await env.reset({ seed });
  for (let t = 0; t < 50; t++) {
    const step = await env.step((info as AlfworldBridgeInfo).expertCommand!);
    info = step.info;
    if (step.terminated || step.truncated) return step;
  }
  throw new Error('expert did not finish');
}

describeEnvConformance(
  'alfworld/Bridge-v0 (test backend, frames)',
  () => new AlfworldEnv({ ...FAKE, image: true, imageSize: 16, maxSteps: 20 }),
  {
    maxSteps: 60,
  },
);

describe('AlfworldEnv over the sidecar (test backend)', () => {
  it('plays normal episodes to a win: observations, admissible commands, task type, goal progress', async () => {
    const env = bridge();
    const { observation, info } = await env.reset({ seed: 1 });
    const i = info as AlfworldBridgeInfo;
    expect(observation.text).toContain('-= Welcome to TextWorld, ALFRED! =-');
    expect(i.admissibleCommands).toContain('look');
    expect(i.taskType).toMatch(/^pick_/);
    expect(observation.text).toContain(`Your task is to: ${i.goal}.`);
    expect(i.goalConditionSource).toBe('backend');
    // Text-only: render() draws the feedback text into a frame.
    const frame = await env.render();
    expect(frame).toMatchObject({ width: 300, height: 300 });
    expect(new Set(frame.data).size).toBeGreaterThan(1);
    for (let seed = 1; seed <= 5; seed++) {
      const last = await playExpert(env, seed);
      expect(last.terminated).toBe(true);
      expect(last.reward).toBe(1);
      expect(last.info.won).toBe(true);
      expect(last.info.goalConditionSuccessRate).toBe(1);
    }
    const bad = await (async () => {
      await env.reset({ seed: 2 });
      return env.step('dance');
    })();
    expect(bad.observation.text).toBe('Nothing happens.');
    expect(bad.info.commandValid).toBe(false);
  });

  it('returns RGB frames decoded from base64 PNG in the visual variant', async () => {
    const env = bridge({ image: true, imageSize: 24 });
    const { observation } = await env.reset({ seed: 3 });
    expect(observation.image).toMatchObject({ width: 24, height: 24 });
    expect(observation.image!.data.length).toBe(24 * 24 * 3);
    const goTo = ((await env.reset({ seed: 3 })).info as AlfworldBridgeInfo).admissibleCommands.find((c) =>
      c.startsWith('go to '),
    )!;
    const step = await env.step(goTo);
    expect(
      Buffer.compare(Buffer.from(step.observation.image!.data), Buffer.from(observation.image!.data)),
    ).not.toBe(0);
  });

  it('truncates at maxSteps', async () => {
    const env = bridge({ maxSteps: 3 });
    await env.reset({ seed: 0 });
    expect((await env.step('look')).truncated).toBe(false);
    expect((await env.step('look')).truncated).toBe(false);
    const third = await env.step('look');
    expect(third).toMatchObject({ truncated: true, terminated: false });
  });

  it('skips stray non-protocol lines on stdout', async () => {
    const lines: string[] = [];
    const env = new AlfworldEnv({ ...FAKE }, { onLog: (l) => lines.push(l) });
    open.push(env);
    await env.reset({ seed: 0 });
    const step = await env.step('debug noise');
    expect(step.observation.text).toBe('Nothing happens.');
    expect(lines.some((l) => l.includes('this line is not JSON'))).toBe(true);
  });

  it('a sidecar killed mid-episode: that step is truncated with info.error, the sidecar restarts, the next reset works', async () => {
    const env = bridge();
    const { info } = await env.reset({ seed: 4 });
    const pid = (await env.sidecarPid())!;
    await env.step((info as AlfworldBridgeInfo).expertCommand!);
    process.kill(pid, 'SIGKILL');
    const step = await env.step('look');
    expect(step).toMatchObject({ truncated: true, terminated: false, reward: 0 });
    expect(step.info.errorCode).toBe('ENV_CRASH');
    expect(step.info.error).toMatch(
      /sidecar crashed during step; it was restarted and the episode was truncated/,
    );
    await expect(env.step('look')).rejects.toThrow(/reset/);
    const again = await env.reset({ seed: 4 });
    expect(again.info.admissibleCommands).toContain('look');
    const newPid = (await env.sidecarPid())!;
    expect(newPid).not.toBe(pid);
    expect(isAlive(pid)).toBe(false);
    expect(env.starts).toBe(2);
    // The new sidecar plays the same game for the same seed.
    expect(again.info.goal).toBe(info.goal);
  });

  it('a sidecar that exits by itself mid-episode is handled the same way', async () => {
    const env = bridge();
    await env.reset({ seed: 5 });
    const step = await env.step('debug crash');
    expect(step.truncated).toBe(true);
    expect(step.info.error).toMatch(/crashed/);
    expect((await playExpert(env, 5)).terminated).toBe(true);
  });

  it('a hung sidecar: the step deadline kills it, the step is truncated, training goes on', async () => {
    const env = bridge({ timeouts: { stepMs: 800, resetMs: 5_000, initMs: 5_000 } });
    await env.reset({ seed: 6 });
    const pid = (await env.sidecarPid())!;
    const started = Date.now();
    const step = await env.step('debug hang');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(step).toMatchObject({ truncated: true, terminated: false });
    expect(step.info.errorCode).toBe('ENV_TIMEOUT');
    expect(step.info.error).toMatch(/timed out during step.*did not answer 'step' within 800 ms/);
    expect(isAlive(pid)).toBe(false);
    expect((await playExpert(env, 6)).terminated).toBe(true);
  });

  it('a sidecar that hangs in init fails reset with a timeout error after one retry', async () => {
    const env = bridge({ timeouts: { initMs: 500 }, backendOptions: { hang_on_init: true } });
    await expect(env.reset({ seed: 0 })).rejects.toBeInstanceOf(SidecarTimeoutError);
    expect(env.starts).toBe(2);
  });

  it('a missing alfworld module: one clear error with the install command', async () => {
    const env = new AlfworldEnv({ python: PYTHON, backend: 'alfworld', timeouts: { initMs: 20_000 } });
    open.push(env);
    const error = await env.reset({ seed: 0 }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(AlfworldNotInstalledError);
    expect((error as Error).message).toMatch(/Python module 'alfworld' is not installed/);
    expect((error as Error).message).toContain('pip install "alfworld[full]==0.3.2" && alfworld-download');
    // Not retried: a restart cannot install a module.
    expect(env.starts).toBe(1);
  });

  it('a missing Python: one clear error naming the interpreter and the install command', async () => {
    const env = bridge({ python: '/nonexistent/python3.11' });
    const error = await env.reset().catch((e: Error) => e);
    expect(error).toBeInstanceOf(PythonNotFoundError);
    expect((error as Error).message).toMatch(
      /Python executable '\/nonexistent\/python3\.11' could not be started \(spawn ENOENT\)/,
    );
    expect((error as Error).message).toContain('pip install');
  });

  it('validates options with messages that name the field', () => {
    expect(() => new AlfworldEnv({ backend: 'unity' as never })).toThrow(/backend/);
    expect(() => new AlfworldEnv({ timeouts: { stepMs: -1 } })).toThrow(/timeouts\.stepMs/);
    expect(() => new AlfworldEnv({ pythn: 'x' } as never)).toThrow(/pythn/);
  });

  it('works under TextEnv with the RL4VLM text interface and reward (through the manifest)', async () => {
    const registry = new EnvRegistry();
    registerManifest(manifest, { registry });
    const env = registry.make('alfworld/Bridge-v0', FAKE);
    const text = new TextEnv(env, registry.spec('alfworld/Bridge-v0').text!({}));
    const { observation, info } = await text.reset({ seed: 2 });
    expect(text.prompt(observation, info).text).toContain(
      "Your admissible actions of the current situation are: ['go to",
    );
    const step = await text.step(
      `{"thoughts": "go", "action": "${(info as AlfworldBridgeInfo).expertCommand}"}`,
    );
    expect(step.info.parse).toMatchObject({ ok: true });
    const bad = await text.step('{"action": "sing"}');
    expect(bad.reward).toBeCloseTo(-1 + (bad.info.goalConditionSuccessRate as number));
    await text.close();
  });
});

describe('AlfworldSidecar (batched protocol)', () => {
  it('resets and steps several slots in one request; null leaves a slot idle; a done slot repeats its record', async () => {
    const sidecar = await AlfworldSidecar.start(parseBridgeOptions({ ...FAKE, maxSteps: 2 }), 3);
    try {
      expect(sidecar.hello).toMatchObject({ protocol: 1, backend: 'fake' });
      const records = await sidecar.reset({ seed: 11 });
      expect(records.map((r) => r.slot)).toEqual([0, 1, 2]);
      expect(new Set(records.map((r) => r.game.id)).size).toBe(3);
      const stepped = await sidecar.step(['look', null, records[2]!.admissible_commands[0]!]);
      expect(stepped.map((r) => r.slot)).toEqual([0, 2]);
      expect(stepped.every((r) => r.step_index === 1 && r.command_valid)).toBe(true);
      const again = await sidecar.step(['look', 'look', 'look']);
      expect(again.map((r) => [r.slot, r.step_index, r.done])).toEqual([
        [0, 2, true],
        [1, 1, false],
        [2, 2, true],
      ]);
      const after = await sidecar.step(['look', null, null]);
      expect(after[0]).toMatchObject({ step_after_done: true, step_index: 2 });
      const one = await sidecar.reset({ slots: [1], seed: 3 });
      expect(one.map((r) => r.slot)).toEqual([1]);
      await expect(sidecar.step(['look'])).rejects.toThrow(/needs 3 commands/);
      await expect(sidecar.reset({ slots: [7] })).rejects.toThrow(/BATCH_MISMATCH: slot 7 is outside 0\.\.2/);
      await sidecar.ping();
    } finally {
      await sidecar.close();
    }
    expect(sidecar.alive).toBe(false);
  });

  it('reproduces games from the reset seed in a fresh process', async () => {
    const a = await AlfworldSidecar.start(parseBridgeOptions(FAKE), 2);
    const b = await AlfworldSidecar.start(parseBridgeOptions(FAKE), 2);
    try {
      expect(await a.reset({ seed: 5 })).toEqual(await b.reset({ seed: 5 }));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
