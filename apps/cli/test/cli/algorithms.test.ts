/**
 * Algorithms through the app: listed as plugins, chosen with `--algorithm` (an unknown id lists the
 * ids and the closest), their settings checked with the key named, GiGPO trained from the smoke
 * preset, and a third-party algorithm trained by package name.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMetrics } from '../../src/report/index.js';
import { runCli } from '../helpers/run-cli.js';

const runsDir = mkdtempSync(path.join(tmpdir(), 'rl4vlm-algorithms-'));

describe('algorithms in the app', () => {
  it('`plugins list` shows the four built-in algorithms', async () => {
    const json = await runCli(['plugins', 'list', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const rows = JSON.parse(json.stdout).plugins as { name: string; kind: string; provides: string[] }[];
    expect(rows.find((r) => r.kind === 'algorithm')).toMatchObject({
      name: '@rl4vlm/trainer',
      provides: ['ppo', 'grpo', 'rloo', 'gigpo'],
    });
    const table = await runCli(['plugins', 'list', '--plugin', 'rl4vlm-algorithm-reinforce']);
    expect(table.stdout).toMatch(/@rl4vlm\/trainer .* algorithm .* ppo, grpo, rloo, gigpo/);
    expect(table.stdout).toMatch(/rl4vlm-algorithm-reinforce .* algorithm .* reinforce/);
    expect(table.stdout).toMatch(/algorithm rl4vlm\.algorithm\/v1/);
  });

  it('an unknown algorithm id is an error listing the ids and the closest one', async () => {
    const r = await runCli(['train', '--preset', 'smoke', '--algorithm', 'gipgo', '--runs-dir', runsDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Unknown algorithm 'gipgo'\. Did you mean 'gigpo'\?/);
    for (const id of ['ppo', 'grpo', 'rloo', 'gigpo']) expect(r.stderr).toContain(`  - ${id}`);
  });

  it('a bad algorithm setting names its key; a section for an unknown algorithm names the id', async () => {
    const bad = await runCli([
      'train',
      '--preset',
      'smoke',
      '--algorithm',
      'gigpo',
      '--set',
      'algorithms.gigpo.groupSize=0',
      '--runs-dir',
      runsDir,
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/algorithms\.gigpo\.groupSize: Too small/);
    const unknown = await runCli(['train', '--preset', 'smoke', '--set', 'algorithms.grop.groups=2']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Unknown algorithm 'grop'\. Did you mean 'grpo'\?/);
  });

  it('`train --algorithm gigpo --preset smoke` trains with group rollouts and reports the group metrics', async () => {
    const r = await runCli([
      'train',
      '--algorithm',
      'gigpo',
      '--preset',
      'smoke',
      '--name',
      'gigpo-smoke',
      '--runs-dir',
      runsDir,
      '--no-baselines',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/algorithm gigpo/);
    const runDir = path.join(runsDir, 'gigpo-smoke');
    const rl = readMetrics(path.join(runDir, 'metrics.jsonl')).filter((m) => m.phase === 'rl');
    expect(rl).toHaveLength(1);
    expect(rl[0]).toMatchObject({ algorithm: 'gigpo', valueLoss: 0 });
    expect(typeof rl[0]!.stepGroupShare).toBe('number');
    expect(typeof rl[0]!.groupReturnSpread).toBe('number');
    // 2 seeds × 2 copies, each played to its end or cut at 4 steps.
    expect(rl[0]!.episodes).toBe(4);
    const html = readFileSync(path.join(runDir, 'report.html'), 'utf8');
    expect(html).toMatch(/1 gigpo updates/);
    expect(html).toMatch(/id="algorithm-metrics"[^<]*group return spread/);
    expect(html).toContain('chart-groups');
  }, 300_000);

  it('trains a third-party algorithm plugin by package name', async () => {
    const r = await runCli([
      'train',
      '--preset',
      'smoke',
      '--stages',
      'ppo',
      '--plugin',
      'rl4vlm-algorithm-reinforce',
      '--algorithm',
      'reinforce',
      '--set',
      'algorithms.reinforce.episodes=3',
      '--set',
      'algorithms.reinforce.maxEpisodeSteps=4',
      '--name',
      'reinforce',
      '--runs-dir',
      runsDir,
      '--no-baselines',
      '--no-report',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const rl = readMetrics(path.join(runsDir, 'reinforce', 'metrics.jsonl')).filter((m) => m.phase === 'rl');
    expect(rl.map((m) => [m.algorithm, m.episodes])).toEqual([['reinforce', 3]]);
    expect(typeof rl[0]!.finalBaseline).toBe('number');
  }, 300_000);
});
