import { describe, expect, it } from 'vitest';
import { createProgram } from '../../src/program.js';
import { runCli } from '../helpers/run-cli.js';

function helpOf(path: string[]): string {
  const program = createProgram();
  let out = '';
  program.exitOverride();
  program.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
  const walk = (cmd: any) => {
    cmd.exitOverride();
    cmd.configureOutput({ writeOut: (s: string) => (out += s), writeErr: (s: string) => (out += s) });
    for (const sub of cmd.commands) walk(sub);
  };
  walk(program);
  try {
    program.parse(['node', 'rl4vlm', ...path, '--help']);
  } catch (error) {
    if ((error as { code?: string }).code !== 'commander.helpDisplayed') throw error;
  }
  return out;
}

const COMMANDS = [
  ['demo'],
  ['train'],
  ['resume'],
  ['eval'],
  ['sft-data'],
  ['play'],
  ['render'],
  ['plugins', 'list'],
  ['report'],
  ['serve'],
  ['web'],
  ['env-serve'],
];

describe('--help', () => {
  it('lists every command at the top level, with examples', () => {
    const help = helpOf([]);
    for (const [name] of COMMANDS) expect(help).toContain(name);
    expect(help).toContain('Examples:');
  });

  it.each(COMMANDS)('%s has a description and examples', (...path) => {
    const help = helpOf(path);
    expect(help).toMatch(/^Usage: rl4vlm /);
    expect(help).toContain('Examples:');
    expect(help).toContain(`$ rl4vlm ${path.join(' ')}`);
  });

  it('-p lists every preset (quickstart too); the render example names a real checkpoint folder (issue 17 item 13)', () => {
    const train = helpOf(['train']);
    expect(train).toMatch(/-p, --preset <name> +start from a preset: .*quickstart/s);
    expect(train).toMatch(/smoke/);
    expect(helpOf(['render'])).toContain('checkpoints/update-000006/policy');
  });

  it('train --help documents the presets', () => {
    expect(helpOf(['train'])).toMatch(/numberline .*\n.*ezpoints.*\n.*points24.*\n.*blackjack/);
  });

  it('an unknown command fails and points to --help', async () => {
    const result = await runCli(['trian']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/unknown command 'trian'/);
    expect(result.stderr).toMatch(/--help/);
  });
});
