import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { launchChromium as launchKitChromium } from '@rl4vlm/test-kit/chromium';
import type { BrowserContext } from 'playwright-core';

export { browserRequired, CHROMIUM, hasChromium } from '@rl4vlm/test-kit/chromium';

/** The `rl4vlm` command line of this workspace (built before the tests run). */
export const CLI = path.join(
  path.dirname(createRequire(import.meta.url).resolve('rl4vlm/package.json')),
  'bin',
  'rl4vlm.js',
);

/** The built playground (`pnpm --filter web build`; `pnpm test` builds first). */
export const APP_DIR = path.resolve(import.meta.dirname, '../dist');

/** Headless Chromium at the playground's page size. */
export function launchChromium(): Promise<BrowserContext> {
  return launchKitChromium({ viewport: { width: 1280, height: 900 } });
}

/** Runs `rl4vlm <args>` to the end; rejects with its stderr when it fails. */
export function runCli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`rl4vlm ${args.join(' ')} exited ${code}:\n${err}`)),
    );
  });
}

/** Starts `rl4vlm web <args> --port 0 --no-open` and resolves with the URL it prints. */
export function startWeb(args: string[]): Promise<{ url: string; child: ChildProcessWithoutNullStreams }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'web', ...args, '--port', '0', '--no-open']);
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const match = /Playground: (\S+)/.exec(out);
      if (match) resolve({ url: match[1]!, child });
    });
    child.on('error', reject);
    child.on('close', (code) => reject(new Error(`rl4vlm web exited ${code} before serving:\n${out}${err}`)));
  });
}
