// Shared by the screenshot and benchmark scripts: `rl4vlm web` on a free port and headless Chromium.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { launchChromium } from '@rl4vlm/test-kit/chromium';

const here = path.dirname(new URL(import.meta.url).pathname);
export const APP_DIR = path.resolve(here, '../dist');
export const CLI = path.join(
  path.dirname(createRequire(import.meta.url).resolve('rl4vlm/package.json')),
  'bin',
  'rl4vlm.js',
);

/** Starts `rl4vlm web [target]`; resolves with its URL, the checkpoint it serves and a stop function. */
export function startWeb(target) {
  const child = spawn(process.execPath, [
    CLI,
    'web',
    ...(target ? [target] : []),
    '--port',
    '0',
    '--no-open',
    '--app',
    APP_DIR,
  ]);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stderr.on('data', (d) => (out += d));
    child.stdout.on('data', (d) => {
      out += d;
      const match = /Playground: (\S+)(?:\n\s+checkpoint: (\S+))?\n\s+\(Ctrl-C/.exec(out);
      if (match) resolve({ url: match[1], checkpointDir: match[2], stop: () => child.kill() });
    });
    child.on('close', (code) => reject(new Error(`rl4vlm web exited ${code}:\n${out}`)));
  });
}

/** Headless Chromium as the tests launch it. */
export function launch() {
  return launchChromium({ viewport: { width: 1280, height: 900 } });
}

/** Clicks the Step button and waits for the step to land. */
export async function step(page) {
  const before = Number(await page.getByTestId('step-count').textContent());
  await page.click('[data-testid="step"]');
  await page.waitForFunction(
    (n) => Number(document.getElementById('step-count').textContent) > n && !window.playground.isBusy(),
    before,
    { timeout: 300_000 },
  );
}
