import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's chromium, installed by scripts/test-tools.sh (run by pnpm test) from scripts/system-packages.txt. */
export const CHROMIUM = process.env.RL4VLM_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = (): boolean => existsSync(CHROMIUM);
/** CI must run the browser tests; elsewhere they are skipped only when chromium is not installed. */
export const browserRequired = Boolean(process.env.CI || process.env.RL4VLM_REQUIRE_CHROMIUM);

/** The `rl4vlm` command line of this workspace (built before the tests run). */
export const CLI = path.join(
  path.dirname(createRequire(import.meta.url).resolve('rl4vlm/package.json')),
  'bin',
  'rl4vlm.js',
);

/** The built playground (`pnpm --filter web build`; `pnpm test` builds first). */
export const APP_DIR = path.resolve(import.meta.dirname, '../dist');

/** Headless Chromium with a fresh profile and no network side traffic. */
export function launchChromium(): Promise<BrowserContext> {
  const profile = mkdtempSync(path.join(tmpdir(), 'rl4vlm-web-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
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
