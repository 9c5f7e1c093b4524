/** Runs written before algorithms were plugins (`phase: 'ppo'` lines, `ppo-state/v1` checkpoints) still resume. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { grpo } from '../src/algorithms/grpo.js';
import { findLatestCheckpoint } from '../src/checkpoint.js';
import { isRlRecord, JsonLinesSink, readJsonLines, recordAlgorithm } from '../src/metrics.js';
import { runPpo } from '../src/ppo.js';
import { runRl } from '../src/rl-loop.js';
import { CharPolicy } from './fixtures/char-policy.js';
import { makeNumberLine } from './fixtures/number-line.js';

const dir = mkdtempSync(join(tmpdir(), 'trainer-old-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a ppo-state/v1 checkpoint resumes as PPO (and refuses another algorithm); old ppo lines are RL lines', async () => {
  const config = {
    numUpdates: 2,
    stepsPerEnv: 3,
    epochs: 1,
    miniBatchSize: 3,
    generate: { maxNewTokens: 8 },
  };
  const checkpoint = { dir: join(dir, 'checkpoints') };
  await runPpo({
    policy: new CharPolicy(2),
    envs: [makeNumberLine()],
    seed: 3,
    config,
    checkpoint,
    stopAfterUpdates: 1,
    log: () => {},
  });
  // Rewrite the checkpoint's state as the trainer wrote it before algorithm plugins.
  const checkpointDir = findLatestCheckpoint(checkpoint.dir)!;
  const stateFile = join(checkpointDir, 'state.json');
  const { algorithm: _a, algorithmSettings: _s, ...rest } = JSON.parse(readFileSync(stateFile, 'utf8'));
  const old = JSON.stringify({ ...rest, format: 'rl4vlm.trainer.ppo-state/v1' });
  writeFileSync(stateFile, old);
  // Keep the checkpoint intact: the manifest records every file's size.
  const manifestFile = join(checkpointDir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  if (manifest.sizes) manifest.sizes['state.json'] = Buffer.byteLength(old);
  writeFileSync(manifestFile, JSON.stringify(manifest));
  await expect(
    runRl({
      algorithm: grpo,
      policy: new CharPolicy(2),
      envs: [makeNumberLine()],
      seed: 3,
      config,
      checkpoint,
      resume: true,
    }),
  ).rejects.toThrow(/trained with algorithm 'ppo', this run uses 'grpo'/);
  const resumed = await runPpo({
    policy: new CharPolicy(2),
    envs: [makeNumberLine()],
    seed: 3,
    config,
    checkpoint,
    resume: true,
    log: () => {},
  });
  expect(resumed.metrics.map((m) => [m.update, m.phase, m.algorithm])).toEqual([[1, 'rl', 'ppo']]);

  const file = join(dir, 'metrics.jsonl');
  writeFileSync(
    file,
    ['{"phase":"ppo","update":0}', '{"phase":"ppo","update":1}', '{"phase":"sft","step":1}'].join('\n'),
  );
  new JsonLinesSink(file).rewindTo(1);
  const lines = readJsonLines(file);
  expect(lines).toEqual([
    { phase: 'ppo', update: 0 },
    { phase: 'sft', step: 1 },
  ]);
  expect(lines.map(isRlRecord)).toEqual([true, false]);
  expect(recordAlgorithm(lines[0]!)).toBe('ppo');
});
