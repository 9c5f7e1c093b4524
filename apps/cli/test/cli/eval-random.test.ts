import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

describe('rl4vlm eval --policy random (the example in eval --help)', () => {
  it('plays the legal labels of an env whose actions are a labelled Discrete', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'rl4vlm-eval-random-'));
    const run = await runCli(['eval', '--env', 'gym-cards/NumberLine-v0', '--policy', 'random', '-n', '4'], {
      cwd,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/no legal actions/);
    // Every reply names a legal label, so none is a format error.
    expect(run.stdout).toMatch(/random\s+4\s+\d+\.\d%.*\s0\.0%/);
  }, 120_000);
});
