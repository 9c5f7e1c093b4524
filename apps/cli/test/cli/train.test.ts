import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { browserRequired, hasChromium, launchChromium } from '@rl4vlm/test-kit/chromium';
import { describe, expect, it } from 'vitest';
import { readMetrics } from '../../src/report/index.js';
import { runCli } from '../helpers/run-cli.js';

describe('rl4vlm train → resume → report (smoke, tiny model)', () => {
  it('trains the example plugin by package name, stops, resumes and reports', async () => {
    const runsDir = mkdtempSync(path.join(tmpdir(), 'rl4vlm-runs-'));
    const common = [
      '--preset',
      'smoke',
      '--plugin',
      'rl4vlm-plugin-tic-tac-toe',
      '--env',
      'tictactoe/TicTacToe-v0',
    ];
    const first = await runCli([
      'train',
      ...common,
      '--name',
      'ttt',
      '--runs-dir',
      runsDir,
      '--updates',
      '2',
      '--stop-after',
      '1',
      '--no-baselines',
      '--no-report',
      '--workers',
      '2',
    ]);
    expect(first.code, first.stderr).toBe(75); // stopped early, with a checkpoint
    const runDir = path.join(runsDir, 'ttt');
    expect(first.stdout).toContain(`Run folder: ${runDir}`);
    expect(first.stdout).toMatch(/Stopped early; continue with: rl4vlm resume/);
    // Progress lines with rate and ETA (no terminal here: one line per quarter).
    expect(first.stderr).toMatch(/sft \d+\/\d+ \| [\d.-]+\/s \| ETA/);
    expect(first.stderr).toMatch(/rollout \d+\/\d+ \| .* \(RL update 1\)/);
    expect(first.stderr).toMatch(/RL update 1\/2: success \d+\.\d%/); // one line per update
    // The whole run's bar, in updates, with an ETA once one update is done.
    expect(first.stderr).toMatch(/RL run 0\/2 \| /);
    expect(first.stderr).toMatch(/RL run 1\/2 \| [\d.]+\/s \| ETA \d+(s|m\d\ds)/);
    // The resolved config is saved, with the flags applied.
    const saved = JSON.parse(readFileSync(path.join(runDir, 'rl4vlm.config.json'), 'utf8'));
    expect(saved.env.id).toBe('tictactoe/TicTacToe-v0');
    expect(saved.ppo.numUpdates).toBe(2);
    expect(saved.plugins).toContain('rl4vlm-plugin-tic-tac-toe');
    // Two policy replicas on worker threads, named with the tensor backend; the count is saved.
    expect(first.stderr).toMatch(
      /workers: 2 replicas: the main thread and 1 worker thread \(tensor backend: \w+\)/,
    );
    expect(saved.workers).toBe(2);
    expect(JSON.parse(readFileSync(path.join(runDir, 'config.json'), 'utf8')).workers).toBe(2);
    expect(readMetrics(path.join(runDir, 'metrics.jsonl')).some((m) => m.phase === 'workers')).toBe(true);
    expect(readFileSync(path.join(runDir, 'rl4vlm.config.yaml'), 'utf8')).toMatch(/numUpdates: 2/);
    expect(readMetrics(path.join(runDir, 'metrics.jsonl')).filter((m) => m.phase === 'rl')).toHaveLength(1);

    // Resumed with another worker count (results do not depend on it).
    const resumed = await runCli(['resume', 'ttt', '--runs-dir', runsDir, '--workers', '1']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/workers: 1 worker, in-process/);
    expect(resumed.stdout).toMatch(/Resuming ttt/);
    expect(resumed.stderr).toMatch(/RL run 2\/2 \| [\d.]+\/s \| ETA 0s/); // the bar resumes at update 1
    expect(resumed.stderr).not.toMatch(/RL run 0\/2/);
    const metrics = readMetrics(path.join(runDir, 'metrics.jsonl'));
    expect(metrics.filter((m) => m.phase === 'rl').map((m) => m.update)).toEqual([0, 1]);
    expect(metrics.filter((m) => m.phase === 'sft').length).toBeGreaterThan(0);
    // The before/after table and the report's path.
    expect(resumed.stdout).toMatch(/after SFT\s+4\s+\d+\.\d%/);
    expect(resumed.stdout).toMatch(/after SFT \+ PPO\s+4\s+\d+\.\d%/);
    expect(resumed.stdout).toContain(`Report: ${path.join(runDir, 'report.html')}`);
    for (const f of [
      'eval-after-sft.json',
      'eval-final.json',
      'curves.png',
      'summary.json',
      'episodes/final/gallery.json',
    ]) {
      expect(existsSync(path.join(runDir, f)), f).toBe(true);
    }
    const gallery = JSON.parse(readFileSync(path.join(runDir, 'episodes', 'final', 'gallery.json'), 'utf8'));
    expect(gallery.length).toBe(2);
    expect(existsSync(path.join(runDir, 'episodes', 'final', gallery[0].steps[0].frame))).toBe(true);

    // `train` refuses to overwrite a run.
    const again = await runCli(['train', ...common, '--name', 'ttt', '--runs-dir', runsDir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already has a run.*rl4vlm resume/);

    if (!hasChromium() && !browserRequired) return;
    const context = await launchChromium();
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(path.join(runDir, 'report.html')).href);
      expect(await page.locator('svg.chart').count()).toBeGreaterThanOrEqual(4);
      expect(await page.locator('.episode').count()).toBeGreaterThanOrEqual(1);
      expect(
        await page
          .locator('.episode img.frame')
          .first()
          .evaluate((i) => (i as HTMLImageElement).naturalWidth),
      ).toBe(96);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 240_000);

  it('--force starts the run folder over: no old metrics, checkpoints or evaluations survive', async () => {
    const runsDir = mkdtempSync(path.join(tmpdir(), 'rl4vlm-runs-'));
    const args = [
      'train',
      '--preset',
      'smoke',
      '--name',
      'nl',
      '--runs-dir',
      runsDir,
      '--no-baselines',
      '--no-report',
    ];
    const first = await runCli([...args, '--updates', '1']);
    expect(first.code, first.stderr).toBe(0);
    const runDir = path.join(runsDir, 'nl');
    const oldCheckpoints = readdirSync(path.join(runDir, 'checkpoints'));
    expect(oldCheckpoints.some((c) => c.startsWith('update-'))).toBe(true);
    expect(existsSync(path.join(runDir, 'eval-final.json'))).toBe(true);

    const forced = await runCli([...args, '--stages', 'sft', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    const metrics = readMetrics(path.join(runDir, 'metrics.jsonl'));
    expect(metrics.filter((m) => m.phase === 'rl')).toHaveLength(0);
    expect(metrics.filter((m) => m.phase === 'sft').length).toBeGreaterThan(0);
    expect(existsSync(path.join(runDir, 'eval-final.json'))).toBe(false);
    expect(readdirSync(path.join(runDir, 'checkpoints')).some((c) => c.startsWith('update-'))).toBe(false);
  }, 240_000);
});
