// Writes docs/playground.png: the oracle playing a seeded Blackjack hand in the page.
// Usage: pnpm --filter web build && node scripts/screenshot.mjs [envId] [seed]
import path from 'node:path';
import { launch, startWeb, step } from './browser.mjs';

const envId = process.argv[2] ?? 'gym-cards/Blackjack-v0';
const seed = process.argv[3] ?? '2';
const { url, stop } = await startWeb();
const context = await launch();
try {
  const page = await context.newPage();
  await page.goto(`${url}?env=${encodeURIComponent(envId)}&seed=${seed}&player=oracle`);
  await page.waitForSelector('body[data-ready="true"]');
  while (!(await page.getByTestId('done').textContent()).includes('over')) await step(page);
  const file = path.resolve(new URL('.', import.meta.url).pathname, '../docs/playground.png');
  await page.screenshot({ path: file, fullPage: true });
  console.log(`wrote ${file}`);
} finally {
  await context.close();
  stop();
}
