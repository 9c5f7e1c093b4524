import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

/** Issue 17 items 8, 9 and 13 (eval): input that used to crash oddly, hang silently or do the wrong thing. */
const fixtures = path.resolve(import.meta.dirname, '../fixtures/plugins');

describe('inputs are checked and named', () => {
  it('-c <directory> says it is a directory, naming the file a run keeps its config in', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cfg-dir-'));
    const result = await runCli(['train', '-c', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is a directory; --config takes a YAML or JSON file');
    expect(result.stderr).not.toMatch(/EISDIR/);
  });

  it('a binary config file is refused without echoing its bytes', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'cfg-bin-')), 'run.yaml');
    writeFileSync(
      file,
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48]),
    );
    const result = await runCli(['train', '-c', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is not a text file .*configs are YAML or JSON/);
    expect(result.stderr).not.toContain('\u0000');
    expect(result.stderr).not.toContain('\u001a');
  });

  it('a plugin whose top-level await never settles times out with an error naming it', async () => {
    const result = await runCli(['plugins', 'list', '--plugin', path.join(fixtures, 'never-settles')], {
      env: { RL4VLM_PLUGIN_TIMEOUT_MS: '1500' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /never-settles.*did not finish within 1\.5 s \(a top-level await that never settles\?\)/s,
    );
  });

  it('demo -n 0 and -n -1 are refused; counts must be at least 1', async () => {
    for (const n of ['0', '-1']) {
      const result = await runCli(['demo', '-n', n, '-o', mkdtempSync(path.join(tmpdir(), 'demo-'))]);
      expect(result.code, n).toBe(1);
      expect(result.stderr).toMatch(/must be at least 1/);
      expect(result.stdout).not.toMatch(/seeds 0\.\./);
    }
  });

  it('eval without --policy says the model is untrained; an unwritable --out fails before evaluating', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'eval-out-'));
    const result = await runCli([
      'eval',
      '--env',
      'gym-cards/NumberLine-v0',
      '-n',
      '1',
      '--gallery',
      '0',
      '--out',
      out,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /tfjs:tiny here is a fresh model with untrained weights \(no --policy given\)/,
    );
    const file = path.join(out, 'a-file');
    writeFileSync(file, '');
    const blocked = await runCli([
      'eval',
      '--env',
      'gym-cards/NumberLine-v0',
      '--policy',
      'random',
      '--out',
      path.join(file, 'x'),
    ]);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(/a-file is not writable \(it is a file, not a folder\)/);
    expect(blocked.stderr).not.toMatch(/eval \d+\/\d+/); // no evaluation ran first
  }, 180_000);
});
