import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMetrics } from '../../src/report/index.js';
import { runCli } from '../helpers/run-cli.js';

describe('rl4vlm train on alfworld/Household-v0 (built-in @rl4vlm/alfworld plugin)', () => {
  it('warm-starts the tiny policy on the expert and runs PPO through the CLI', async () => {
    const runsDir = mkdtempSync(path.join(tmpdir(), 'rl4vlm-alf-'));
    const run = await runCli([
      'train',
      '--preset',
      'smoke',
      '--env',
      'alfworld/Household-v0',
      '--name',
      'alf',
      '--runs-dir',
      runsDir,
      '--no-report',
    ]);
    expect(run.code, run.stderr).toBe(0);
    // The expert (the env spec's oracle) is the ceiling and wins every episode.
    expect(run.stdout).toMatch(/oracle \(ceiling\)\s+4\s+100\.0%/);
    expect(run.stdout).toMatch(/after SFT \+ PPO\s+4\s+\d+\.\d%/);
    const metrics = readMetrics(path.join(runsDir, 'alf', 'metrics.jsonl'));
    expect(metrics.filter((m) => m.phase === 'sft').length).toBeGreaterThan(0);
    const ppo = metrics.filter((m) => m.phase === 'rl');
    expect(ppo).toHaveLength(1);
    expect(Number.isFinite(ppo[0]!.policyLoss as number)).toBe(true);
  }, 300_000);
});

describe('rl4vlm eval on alfworld/Bridge-v0 (Python ALFWorld through the sidecar)', () => {
  it('without the Python alfworld module exits non-zero with the install hint without the Python alfworld module exits non-zero with the install hint', async () => {
    const started = Date.now();
    const run = await runCli(['eval', '--env', 'alfworld/Bridge-v0', '--policy', 'random', '-n', '1'], {
      cwd: mkdtempSync(path.join(tmpdir(), 'rl4vlm-bridge-')),
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/Python module 'alfworld' is not installed/);
    expect(run.stderr).toContain('pip install "alfworld[full]==0.3.2"');
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);
});
