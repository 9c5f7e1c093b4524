import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AlfworldBridgeInfo, AlfworldEnv } from '../src/bridge/alfworld-env.js';
import { SidecarError } from '../src/bridge/errors.js';
import { PYTHON } from './python.js';

// The real backend (python/alfworld_backend.py) against a stand-in `alfworld` package that has
// the same API surface: everything up to the call into ALFWorld itself runs for real.
const STUB = join(import.meta.dirname, 'python', 'stub_alfworld');
const empty = mkdtempSync(join(tmpdir(), 'alfworld-nodata-'));
const data = mkdtempSync(join(tmpdir(), 'alfworld-data-'));
mkdirSync(join(data, 'json_2.1.1', 'train'), { recursive: true });
afterAll(() => {
  rmSync(empty, { recursive: true, force: true });
  rmSync(data, { recursive: true, force: true });
});

describe('the real ALFWorld backend, over a stand-in alfworld module', () => {
  it('reports missing data with DATA_MISSING and the download command', async () => {
    const env = new AlfworldEnv({
      python: PYTHON,
      backend: 'alfworld',
      dataPath: empty,
      env: { PYTHONPATH: STUB },
    });
    const error = await env.reset({ seed: 0 }).catch((e: Error) => e);
    await env.close();
    expect(error).toBeInstanceOf(SidecarError);
    expect((error as SidecarError).code).toBe('DATA_MISSING');
    expect((error as Error).message).toMatch(/run alfworld-download/);
  });

  it('maps TextWorld records: goal and task type from the game, won, no goal rate (reported as from won)', async () => {
    const env = new AlfworldEnv({
      python: PYTHON,
      backend: 'alfworld',
      dataPath: data,
      split: 'train',
      taskTypes: ['pick_and_place_simple', 'pick_two_obj_and_place'],
      env: { PYTHONPATH: STUB },
    });
    try {
      const { observation, info } = await env.reset({ seed: 0 });
      const i = info as AlfworldBridgeInfo;
      expect(observation.text).toContain('Your task is to: put a apple in fridge.');
      expect(i).toMatchObject({
        goal: 'put a apple in fridge',
        taskType: 'pick_and_place_simple',
        admissibleCommands: ['go to fridge 1', 'inventory', 'look'],
        goalConditionSource: 'won',
        goalConditionSuccessRate: 0,
      });
      expect(readFileSync(join(data, 'stub-config.txt'), 'utf8')).toBe('train AlfredTWEnv [1, 6]\n');
      const bad = await env.step('go to fridge 2');
      expect(bad.info.commandValid).toBe(false);
      await env.step('go to fridge 1');
      const last = await env.step('take apple 1 from fridge 1');
      expect(last).toMatchObject({ terminated: true, reward: 1 });
      expect(last.info).toMatchObject({
        won: true,
        goalConditionSuccessRate: 1,
        commandValid: true,
        stepIndex: 3,
      });
    } finally {
      await env.close();
    }
  });

  it('refuses frames from the text-only env with a clear message', async () => {
    const env = new AlfworldEnv({
      python: PYTHON,
      backend: 'alfworld',
      dataPath: data,
      image: true,
      env: { PYTHONPATH: STUB },
    });
    await expect(env.reset({ seed: 0 })).rejects.toThrow(
      /TextWorld env has no pictures; use envType 'thor' or image: false/,
    );
    await env.close();
  });
});
