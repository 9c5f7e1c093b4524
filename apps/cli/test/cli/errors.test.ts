import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/plugins');

describe('errors a user can act on', () => {
  it('train --env nope/X-v0 lists the available envs', async () => {
    const result = await runCli([
      'train',
      '--env',
      'nope/X-v0',
      '--runs-dir',
      mkdtempSync(path.join(tmpdir(), 'runs-')),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: Unknown env id 'nope\/X-v0'/);
    for (const id of ['NumberLine', 'EZPoints', 'Points24', 'Blackjack'])
      expect(result.stderr).toContain(`gym-cards/${id}-v0`);
    expect(result.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });

  it('an SFT stage on an env without an oracle suggests --stages ppo, which then trains', async () => {
    const runsDir = mkdtempSync(path.join(tmpdir(), 'runs-'));
    const plugin = path.join(fixtures, 'no-oracle');
    const args = ['train', '--preset', 'smoke', '--env', 'fixture/NoOracle-v0', '--plugin', plugin];
    const sft = await runCli([...args, '--runs-dir', runsDir, '--no-report']);
    expect(sft.code).toBe(1);
    expect(sft.stderr).toMatch(/has no oracle: .*train without it: --stages ppo/);
    const ppo = await runCli([
      ...args,
      '--stages',
      'ppo',
      '--runs-dir',
      runsDir,
      '--name',
      'ppo',
      '--no-report',
    ]);
    expect(ppo.code, ppo.stderr).toBe(0);
    expect(ppo.stdout).toMatch(/after PPO\s+4\s+/);
  }, 120_000);

  it('a config with a misspelled key names the key and the closest allowed one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
    const file = path.join(dir, 'run.yaml');
    writeFileSync(file, 'env:\n  id: gym-cards/NumberLine-v0\nppo:\n  numUpdate: 2\n');
    const result = await runCli(['train', '--config', file, '--runs-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ppo\.numUpdate: unknown key \(value 2\)\. Did you mean 'numUpdates'\?/);
  });

  it('a bad value names the key, the value and what is allowed', async () => {
    const result = await runCli([
      'eval',
      '--env',
      'gym-cards/NumberLine-v0',
      '--set',
      'eval.temperature=-1',
      'env.text=3',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/eval\.temperature: .*>=0.*\(got -1\)/);
    expect(result.stderr).toMatch(/env\.text: .*\(got 3\)/);
  });

  it('a plugin whose manifest lacks envs is named with the missing field', async () => {
    const result = await runCli(['plugins', 'list', '--plugin', path.join(fixtures, 'no-envs')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /Plugin '.*no-envs' could not be loaded: its env manifest is invalid:\n\s+- envs: is required/,
    );
  });

  it('a plugin that is not installed says how to install it', async () => {
    const result = await runCli(['plugins', 'list', '--plugin', 'rl4vlm-plugin-nope']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/pnpm add rl4vlm-plugin-nope/);
  });

  it('a policy kind nobody registered lists the registered kinds', async () => {
    const result = await runCli([
      'render',
      '--env',
      'gym-cards/NumberLine-v0',
      '--policy',
      'gpt:4',
      '-o',
      mkdtempSync(path.join(tmpdir(), 'r-')),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no policy kind 'gpt' is registered/);
    expect(result.stderr).toMatch(/- oracle/);
  });
});
