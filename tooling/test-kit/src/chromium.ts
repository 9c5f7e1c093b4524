/**
 * Headless Chromium for the browser tests and scripts: Debian's `chromium` (installed by
 * scripts/test-tools.sh, which `pnpm test` runs, from scripts/system-packages.txt) driven by
 * playwright-core, which downloads no browser of its own.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** The Chromium binary: `RL4VLM_CHROMIUM`, else Debian's `/usr/bin/chromium`. */
export const CHROMIUM = process.env.RL4VLM_CHROMIUM ?? '/usr/bin/chromium';

/** Whether {@link CHROMIUM} is installed. */
export const hasChromium = (): boolean => existsSync(CHROMIUM);

/** CI (or `RL4VLM_REQUIRE_CHROMIUM`) must run the browser tests; elsewhere they are skipped only when Chromium is missing. */
export const browserRequired = Boolean(process.env.CI || process.env.RL4VLM_REQUIRE_CHROMIUM);

/** Flags for a quiet, reproducible headless run: no sandbox (containers), no GPU, no network side traffic. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches headless Chromium with a fresh profile (Playwright passes it as --user-data-dir).
 * @param options.viewport the page size; Playwright's default (1280×720) when absent.
 */
export function launchChromium(
  options: { viewport?: { width: number; height: number } } = {},
): Promise<BrowserContext> {
  const profile = mkdtempSync(path.join(tmpdir(), 'rl4vlm-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    ...(options.viewport ? { viewport: options.viewport } : {}),
    args: [...CHROMIUM_ARGS],
  });
}
