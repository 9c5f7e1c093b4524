import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Issue 17 item 14: the main job's setup installs only what the main job uses; the test path
 * installs the browser and Redis. The real scripts run here; only the system's package tools
 * (apt-get, dpkg, sudo) and the package managers are stand-ins that record their calls, since a
 * test cannot install Debian packages.
 */
const repo = path.resolve(import.meta.dirname, '../../../..');

function withFakeTools(script: string, args: string[] = []): string[] {
  const bin = mkdtempSync(path.join(tmpdir(), 'fake-tools-'));
  const log = path.join(bin, 'calls.log');
  const fake = (name: string, body: string) => {
    writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >> ${log}\n${body}\n`);
    chmodSync(path.join(bin, name), 0o755);
  };
  fake('apt-get', 'exit 0');
  fake('dpkg', 'exit 1'); // every package is missing
  fake('sudo', 'exit 0');
  fake('npm', 'exit 0');
  fake('pnpm', '[ "$1" = "-v" ] && echo 12.21.0; exit 0');
  fake('id', 'echo 0');
  writeFileSync(log, '');
  execFileSync('bash', [path.join(repo, 'scripts', script), ...args], {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    stdio: 'pipe',
  });
  return readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);
}

describe('setup scripts', () => {
  it("scripts/setup.sh (the main job's setup, run by quickstart.sh) installs no system packages", () => {
    const calls = withFakeTools('setup.sh');
    expect(calls.some((c) => c.startsWith('apt-get'))).toBe(false);
    expect(calls).toContain('pnpm install --frozen-lockfile');
    expect(readFileSync(path.join(repo, 'scripts', 'quickstart.sh'), 'utf8')).toMatch(
      /bash scripts\/setup\.sh\n/,
    );
  });

  it('the test path (pnpm test → scripts/test-tools.sh, or setup.sh --test) installs chromium and redis-server', () => {
    const calls = withFakeTools('test-tools.sh');
    expect(calls.find((c) => c.startsWith('apt-get') && c.includes('install'))).toMatch(
      /install -y -qq +chromium redis-server/,
    );
    expect(withFakeTools('setup.sh', ['--test']).some((c) => c.includes('install -y -qq'))).toBe(true);
    const rootPackage = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8'));
    expect(rootPackage.scripts.test).toMatch(/^bash scripts\/test-tools\.sh && /);
  });
});
