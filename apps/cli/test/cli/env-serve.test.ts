import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, type CliResult, runCli } from '../helpers/run-cli.js';

const TOKEN = 'env-serve-test-token-77';
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
});

const cli = (args: string[], env: Record<string, string> = {}): Promise<CliResult> => runCli(args, { env });

/** `rl4vlm env-serve` in its own process; resolves with the ws URL it prints. */
function envServe(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [BIN, 'env-serve', '--port', '0', ...args], {
    env: { ...process.env, NO_COLOR: '1', RL4VLM_ENV_TOKEN: TOKEN },
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const url = /at (ws:\/\/\S+)\/ws/.exec(out)?.[1];
      if (url) resolve(url);
    });
    child.once('exit', (code) => reject(new Error(`env-serve exited with ${code}: ${out}`)));
  });
}

describe('rl4vlm env-serve', () => {
  it('serves an env that `rl4vlm eval --env remote:…` spreads over two servers, with the in-process results', {
    timeout: 120_000,
  }, async () => {
    const [a, b] = await Promise.all([
      envServe(['--env', 'gym-cards/NumberLine-v0']),
      envServe(['--env', 'gym-cards/NumberLine-v0']),
    ]);
    const out = mkdtempSync(path.join(tmpdir(), 'rl4vlm-env-serve-'));
    const evalArgs = [
      '--policy',
      'oracle',
      '-n',
      '12',
      '--set',
      'eval.numEnvs=4',
      '--gallery',
      '0',
      '--seed',
      '5',
    ];
    const remote = await cli(
      ['eval', '--env', `remote:${a},${b}`, ...evalArgs, '--out', path.join(out, 'remote')],
      {
        RL4VLM_ENV_TOKEN: TOKEN,
      },
    );
    expect(remote.code, remote.stderr).toBe(0);
    const local = await cli([
      'eval',
      '--env',
      'gym-cards/NumberLine-v0',
      ...evalArgs,
      '--out',
      path.join(out, 'local'),
    ]);
    expect(local.code, local.stderr).toBe(0);
    const read = (dir: string) => JSON.parse(readFileSync(path.join(out, dir, 'eval.json'), 'utf8'));
    const [r, l] = [read('remote'), read('local')];
    expect(r.episodes).toBe(12);
    const summary = (e: any) => e.records.map((x: any) => [x.return, x.length, x.success]);
    expect(summary(r)).toEqual(summary(l));
    // Round-robin: both servers played.
    for (const url of [a, b]) {
      const health = await (await fetch(url.replace('ws://', 'http://') + '/health')).json();
      expect(health.sessions_opened).toBeGreaterThanOrEqual(2);
    }
    // Without the token the run stops before any work, with a clear error that does not echo tokens.
    const refused = await cli(['eval', '--env', `remote:${a}`, ...evalArgs, '--out', path.join(out, 'x')], {
      RL4VLM_ENV_TOKEN: 'not-the-token',
    });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/401/);
    expect(refused.stderr).toMatch(/RL4VLM_ENV_TOKEN/);
    expect(refused.stderr).not.toContain('not-the-token');
    expect(refused.stderr).not.toContain(TOKEN);
  });

  it('names the env ids that exist when --env is unknown, and refuses bad flags clearly', async () => {
    const unknown = await cli(['env-serve', '--env', 'gym-cards/NumberLin-v0', '--port', '0']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/Did you mean 'gym-cards\/NumberLine-v0'/);
    const badKwargs = await cli([
      'env-serve',
      '--env',
      'gym-cards/NumberLine-v0',
      '--kwargs',
      '{oops',
      '--port',
      '0',
    ]);
    expect(badKwargs.stderr).toMatch(/--kwargs must be a JSON object/);
    const badInvalid = await cli([
      'env-serve',
      '--env',
      'gym-cards/NumberLine-v0',
      '--on-invalid',
      'skip',
      '--port',
      '0',
    ]);
    expect(badInvalid.stderr).toMatch(/--on-invalid must be random, noop or penalty:<reward>/);
  });
});
