import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

// The scaffold's code is type-checked and its tests run in this package (see tsconfig.json and
// vitest.config.ts); scripts/outside-test.mjs installs it from the packed tarballs with npm, builds
// it, runs its tests and trains on it.
describe('rl4vlm new-env', () => {
  it('writes a plugin package named after the folder, with peer deps and the versions of this install', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'new-env-')), 'my-maze');
    const run = await runCli(['new-env', dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('npx rl4vlm train --plugin . --env maze/Maze-v0 --preset smoke');
    for (const file of [
      '.gitignore',
      'README.md',
      'tsconfig.json',
      'src/index.ts',
      'src/maze-env.ts',
      'src/text.ts',
    ])
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({
      name: 'my-maze',
      type: 'module',
      rl4vlm: { plugin: 'env' },
      scripts: { build: 'tsc', test: 'vitest run' },
      peerDependencies: { '@napi-rs/canvas': '~1.0.13', '@rl4vlm/env': '^0.1.0' },
    });
    expect(pkg.devDependencies).toMatchObject({ '@napi-rs/canvas': '1.0.13', rl4vlm: '^0.1.0' });
    expect(readFileSync(path.join(dir, 'src/index.ts'), 'utf8')).toContain("name: 'my-maze'");
    expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toMatch(/^# my-maze\n/);
  });

  it('refuses a folder that is not empty and a name npm would refuse', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'new-env-'));
    writeFileSync(path.join(dir, 'keep.txt'), 'mine');
    const full = await runCli(['new-env', dir]);
    expect(full.code).toBe(1);
    expect(full.stderr).toMatch(/exists and is not empty; choose a new folder/);
    expect(readFileSync(path.join(dir, 'keep.txt'), 'utf8')).toBe('mine');
    const empty = path.join(dir, 'Empty');
    mkdirSync(empty);
    const bad = await runCli(['new-env', empty]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/'Empty' is not a valid npm package name.*--name/);
    expect((await runCli(['new-env', empty, '--name', '@me/maze'])).code).toBe(0);
  });
});
