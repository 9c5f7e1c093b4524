import { spawn } from 'node:child_process';
import path from 'node:path';

/** The built CLI, run as a user runs it (`pnpm test` builds first). */
export const BIN = path.resolve(import.meta.dirname, '../../bin/rl4vlm.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `rl4vlm <args>` in a child process and collects its output. */
export function runCli(
  args: string[],
  { cwd = process.cwd(), input, env }: { cwd?: string; input?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}
