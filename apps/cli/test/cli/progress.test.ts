import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ProgressReporter } from '../../src/run/progress.js';

function capture() {
  const stream = new PassThrough() as PassThrough & {
    isTTY?: boolean;
    columns?: number;
    cursorTo?: any;
    clearLine?: any;
    moveCursor?: any;
  };
  let text = '';
  stream.on('data', (d) => (text += d));
  return { stream, text: () => text };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ProgressReporter', () => {
  it('without a terminal prints one line per quarter with rate and ETA, per phase', async () => {
    const out = capture();
    const reporter = new ProgressReporter({ stream: out.stream, tty: false });
    for (let i = 1; i <= 8; i++) {
      reporter.onProgress({ phase: 'rollout', done: i, total: 8, update: 2 });
      await sleep(15);
    }
    reporter.onProgress({ phase: 'eval', done: 1, total: 4 });
    reporter.stop();
    const lines = out.text().trim().split('\n');
    const rollout = lines.filter((l) => l.startsWith('rollout'));
    expect(rollout.length).toBeGreaterThanOrEqual(4);
    expect(rollout.length).toBeLessThanOrEqual(5);
    expect(rollout.at(-1)).toMatch(/^rollout 8\/8 \| \d+\.\d+\/s \| ETA 0s \(RL update 3\)$/);
    expect(lines.some((l) => l.startsWith('eval 1/4'))).toBe(true);
  });

  it('without a terminal also prints a line when lineEverySeconds pass between quarters', async () => {
    const out = capture();
    const reporter = new ProgressReporter({ stream: out.stream, tty: false, lineEverySeconds: 0.02 });
    // 6 of 100 steps: inside the first quarter, so only the time rule can add lines.
    for (let i = 1; i <= 6; i++) {
      reporter.onProgress({ phase: 'sft', done: i, total: 100 });
      await sleep(30);
    }
    const lines = out.text().trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines.at(-1)).toMatch(/^sft 6\/100 \| \d+\.\d+\/s \| ETA \d+s$/);
    // The default (5 minutes) stays with the quarters.
    const quiet = capture();
    const reporter2 = new ProgressReporter({ stream: quiet.stream, tty: false });
    for (let i = 1; i <= 6; i++) reporter2.onProgress({ phase: 'sft', done: i, total: 100 });
    expect(quiet.text().trim().split('\n')).toHaveLength(1);
  });

  it('on a terminal draws bars with the rate and ETA', async () => {
    const out = capture();
    Object.assign(out.stream, {
      isTTY: true,
      columns: 120,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    });
    const reporter = new ProgressReporter({ stream: out.stream, tty: true });
    for (let i = 1; i <= 4; i++) {
      reporter.onProgress({ phase: 'update', done: i, total: 4 });
      await sleep(20);
    }
    reporter.stop();
    expect(out.text()).toMatch(/update\s+\[.*\] 4\/4 \| [\d.]+\/s \| ETA 0s/);
  });
});
