import { type ChildProcess, spawn } from 'node:child_process';
import { BIN, type CliResult } from './run-cli.js';

/** A running `rl4vlm` child whose output can be awaited line by line, for signals and locks. */
export interface LiveCli {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when stderr+stdout match `pattern` (rejects if the process ends first). */
  waitFor: (pattern: RegExp) => Promise<void>;
  done: Promise<CliResult & { signal: NodeJS.Signals | null }>;
}

/** Starts `rl4vlm <args>` without waiting for it. */
export function spawnCli(args: string[], { cwd = process.cwd() }: { cwd?: string } = {}): LiveCli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  let closed = false;
  const waiters: { pattern: RegExp; resolve: () => void; reject: (e: Error) => void }[] = [];
  const check = () => {
    for (const w of [...waiters])
      if (w.pattern.test(stdout + stderr)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
  };
  child.stdout!.on('data', (d) => {
    stdout += d;
    check();
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
    check();
  });
  child.stdin!.end();
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      closed = true;
      for (const w of waiters.splice(0))
        w.reject(new Error(`exited (${code ?? signal}) before ${w.pattern}:\n${stdout}\n${stderr}`));
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        if (pattern.test(stdout + stderr)) return resolve();
        if (closed) return reject(new Error(`exited before ${pattern}:\n${stdout}\n${stderr}`));
        waiters.push({ pattern, resolve, reject });
      }),
    done,
  };
}
