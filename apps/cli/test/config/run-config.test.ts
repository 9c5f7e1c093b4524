/** A run's saved config read back for `resume`/`eval`: runs saved before `ppo.chunkSize` keep their arithmetic. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { readRunConfig } from '../../src/run/run-folder.js';

const dir = mkdtempSync(path.join(tmpdir(), 'rl4vlm-run-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const save = (ppo: Record<string, unknown>) =>
  writeFileSync(path.join(dir, 'rl4vlm.config.json'), JSON.stringify({ env: { id: 'x' }, ppo }));

it('a saved ppo config without chunkSize (written before it existed) reads back as one chunk per minibatch', () => {
  save({ miniBatchSize: 8, gradAccumSteps: 1 });
  expect(readRunConfig(dir).ppo).toEqual({ miniBatchSize: 8, gradAccumSteps: 1, chunkSize: null });
  save({ miniBatchSize: 8, chunkSize: 4 });
  expect(readRunConfig(dir).ppo).toEqual({ miniBatchSize: 8, chunkSize: 4 });
});
