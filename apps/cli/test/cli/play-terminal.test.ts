import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/run-cli.js';

/**
 * Issue 17 item 12: `play` as a person uses it. stdin stays open (as a terminal's does), so the
 * command must end by itself after the last episode.
 */
function play(args: string[], typed: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'play', ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    // Each line once the prompt asks for it; stdin is never closed.
    let sent = 0;
    child.stdout.on('data', () => {
      const asked = out.split('your reply> ').length - 1;
      while (sent < asked && sent < typed.length) child.stdin.write(`${typed[sent++]}\n`);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`play did not exit after its last episode:\n${out}`));
    }, 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('rl4vlm play in a terminal', () => {
  it('asks again after a typo, shows the final state with block characters, writes to its own temp folder and exits', async () => {
    const { code, out } = await play(
      ['--env', 'gym-cards/Blackjack-v0', '--seed', '2', '--image-protocol', 'blocks'],
      ['stnad', 'stand'],
    );
    expect(code, out).toBe(0);
    expect(out).toMatch(/'stnad' is not an action here; type one of: stand, hit \('q' quits\)\./);
    expect(out.split('your reply> ').length - 1).toBe(2); // asked twice for one step
    expect(out).toMatch(/=== episode 1, final state ===/);
    expect(out).toContain('▀');
    expect(out).toMatch(new RegExp(`${String.fromCharCode(27)}\\[38;2;\\d+;\\d+;\\d+m`));
    const shown = [...out.matchAll(/\[image: (.*?\.png)\]/g)].map((m) => m[1]!);
    expect(shown.at(-1)).toMatch(/seed-2-final\.png$/);
    const folder = path.dirname(shown[0]!);
    expect(path.dirname(folder)).toBe(tmpdir());
    expect(path.basename(folder)).toMatch(/^rl4vlm-play-\w{6}$/); // not a fixed, shared /tmp/rl4vlm-play
    expect(existsSync(shown.at(-1)!)).toBe(true);
    expect(out).toMatch(/Returns: -?\d/);
  }, 120_000);
});
