import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The built bin, run as `gym-cards-oracle` is run once installed (`pnpm test` builds first).
const BIN = path.resolve(import.meta.dirname, '../dist/cli-oracle.js');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });

describe('gym-cards-oracle', () => {
  it('--help prints the usage and plays nothing', () => {
    const started = Date.now();
    const result = run('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: gym-cards-oracle \[--episodes N\] \[--env ID\]/);
    expect(result.stdout).not.toMatch(/seeded episodes per env/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('an unknown option is an error naming it, followed by the usage', () => {
    const result = run('--epsiodes', '3');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^unknown option '--epsiodes'\n\nUsage:/);
  });

  it('plays the episodes asked for', () => {
    const result = run('--episodes', '5', '--env', 'NumberLine-v0');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/oracle over 5 seeded episodes/);
    expect(result.stdout).toMatch(/gym-cards\/NumberLine-v0 +success 100\.00%/);
  });
});
