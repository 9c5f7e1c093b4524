// Page load to first frame, and greedy replies per second of a tfjs checkpoint in the page
// (per backend) beside the same replies in Node, alternating rounds so machine load hits both.
// Usage: pnpm --filter web build && node bench/page-speed.mjs <run or checkpoint dir> [backends=wasm,webgl] [rounds=2]
import { cpus } from 'node:os';
import { EnvRegistry, registerManifest, TextEnv } from '@rl4vlm/env';
import gymCards from '@rl4vlm/gym-cards';
import { TfjsPolicy } from '@rl4vlm/policy-tfjs';
import { launch, startWeb, step } from '../scripts/browser.mjs';

const [target, backendList = 'wasm,webgl', roundsArg = '2'] = process.argv.slice(2);
if (!target) throw new Error('usage: node bench/page-speed.mjs <run or checkpoint dir> [backends] [rounds]');
const REPLIES = 8;
const ENV = 'gym-cards/NumberLine-v0';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const { url, checkpointDir, stop } = await startWeb(target);
const maxNewTokens = Number(new URL(url).searchParams.get('maxNewTokens') ?? 64);
const context = await launch();

async function pageRound(backend) {
  const page = await context.newPage();
  await page.goto(`${url}&env=${encodeURIComponent(ENV)}&seed=0&backend=${backend}`);
  await page.waitForSelector('body[data-checkpoint="loaded"]', { timeout: 300_000 });
  const engine = await page.getByTestId('engine').textContent();
  let seed = 0;
  while ((await page.evaluate(() => window.playground.metrics.replyMs.length)) < REPLIES) {
    if ((await page.getByTestId('done').textContent()).includes('over')) {
      await page.getByTestId('seed').fill(String(++seed));
      await page.getByTestId('seed').dispatchEvent('change');
      await page.waitForFunction(() => document.getElementById('step-count').textContent === '0');
    }
    await step(page);
  }
  const { replyMs } = await page.evaluate(() => window.playground.metrics);
  await page.close();
  return { engine, first: replyMs[0], warm: replyMs.slice(1) };
}

async function nodeRound(policy) {
  const registry = new EnvRegistry();
  registerManifest(gymCards, { registry });
  const spec = registry.spec(ENV);
  const env = new TextEnv(registry.make(ENV), spec.text({}));
  const ms = [];
  let seed = 0;
  let { observation, info } = await env.reset({ seed });
  while (ms.length < REPLIES) {
    const started = performance.now();
    const [g] = await policy.generate([env.prompt(observation, info)], { temperature: 0, maxNewTokens });
    ms.push(performance.now() - started);
    const result = await env.step(g.text);
    ({ observation, info } =
      result.terminated || result.truncated ? await env.reset({ seed: ++seed }) : result);
  }
  return { first: ms[0], warm: ms.slice(1) };
}

const firstFrame = [];
for (let i = 0; i < 5; i++) {
  const page = await context.newPage();
  await page.goto(new URL('/', url).href);
  await page.waitForSelector('body[data-ready="true"]');
  firstFrame.push(await page.evaluate(() => window.playground.metrics.firstFrameMs));
  await page.close();
}
const policy = await TfjsPolicy.fromDirectory(checkpointDir);
const rows = [];
for (let round = 0; round < Number(roundsArg); round++) {
  const node = await nodeRound(policy);
  rows.push({ where: 'node (wasm)', round, ...node });
  for (const backend of backendList.split(','))
    rows.push({ where: `page (${backend})`, round, ...(await pageRound(backend)) });
}
await context.close();
stop();

console.log(
  `CPU: ${cpus()[0].model} (${cpus().length} threads); greedy, maxNewTokens ${maxNewTokens}, ${REPLIES} replies per round`,
);
console.log(
  `page load → first frame (no checkpoint): median ${median(firstFrame).toFixed(0)} ms of ${firstFrame.map((x) => x.toFixed(0)).join(', ')}`,
);
for (const r of rows) {
  const perSecond = (1000 * r.warm.length) / r.warm.reduce((a, b) => a + b, 0);
  console.log(
    `${r.where.padEnd(14)} round ${r.round}: first reply ${r.first.toFixed(0)} ms, then ${perSecond.toFixed(2)} replies/s${r.engine ? ` [${r.engine}]` : ''}`,
  );
}
