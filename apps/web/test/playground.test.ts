import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TfjsPolicy } from '@rl4vlm/policy-tfjs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, findOracle } from '../src/plugins.js';
import { Session } from '../src/session.js';
import {
  APP_DIR,
  browserRequired,
  CHROMIUM,
  hasChromium,
  launchChromium,
  runCli,
  startWeb,
} from './helpers.js';

const runBrowser = hasChromium() || browserRequired;
if (!runBrowser) {
  console.warn(
    `[web] skipping the playground browser tests: no Chromium at ${CHROMIUM} (scripts/test-tools.sh installs it; pnpm test runs it)`,
  );
}

const NUMBER_LINE = 'gym-cards/NumberLine-v0';
/** The smoke preset's evaluation length, which `rl4vlm web <run>` passes to the page. */
const MAX_NEW_TOKENS = 24;
/**
 * The page's tensor backends to compare with Node (which runs wasm here). `auto` skips WebGL on
 * a software rasterizer (headless --disable-gpu gives SwiftShader) and so picks wasm here;
 * `RL4VLM_WEB_TEST_BACKENDS=auto,webgl` also checks SwiftShader's WebGL (its first reply
 * compiles shaders for ~25 s).
 */
const BACKENDS = (process.env.RL4VLM_WEB_TEST_BACKENDS ?? 'auto').split(',');

describe.runIf(runBrowser)('the playground in headless Chromium', () => {
  let context: BrowserContext;
  let server: ChildProcess;
  let preloadUrl: string;
  let baseUrl: string;
  let checkpointDir: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    expect(existsSync(path.join(APP_DIR, 'index.html')), 'build the app first: pnpm --filter web build').toBe(
      true,
    );
    // A checkpoint trained here: the smoke preset's SFT stage on NumberLine (seconds).
    const runsDir = mkdtempSync(path.join(tmpdir(), 'rl4vlm-web-runs-'));
    await runCli([
      'train',
      '--preset',
      'smoke',
      '--stages',
      'sft',
      '--runs-dir',
      runsDir,
      '--name',
      'nl',
      '--no-baselines',
      '--no-report',
      '--set',
      'eval.episodes=1',
      '--set',
      'eval.numEnvs=1',
      '--set',
      'gallery.episodes=0',
    ]);
    checkpointDir = path.join(runsDir, 'nl', 'checkpoints', 'sft', 'policy');
    const web = await startWeb([path.join(runsDir, 'nl'), '--app', APP_DIR]);
    server = web.child;
    preloadUrl = web.url;
    baseUrl = new URL('/', preloadUrl).href;
    context = await launchChromium();
  });

  afterAll(async () => {
    await context?.close();
    server?.kill();
  });

  async function open(url: string): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    return page;
  }

  async function stepCount(page: Page): Promise<number> {
    return Number(await page.getByTestId('step-count').textContent());
  }

  /** Clicks `button` and waits for the step it makes. */
  async function clickStep(page: Page, selector: string): Promise<void> {
    const before = await stepCount(page);
    await page.click(selector);
    await page.waitForFunction(
      (n) => Number(document.getElementById('step-count')!.textContent) > n && !window.playground.isBusy(),
      before,
      { timeout: 60_000 },
    );
  }

  it('plays a seeded NumberLine episode by typing and clicking, with the frames Node draws for the same seed', async () => {
    const seed = 3;
    // Node: the oracle's episode, whose action labels a person then clicks in the page.
    const registry = createRegistry();
    const oracle = findOracle(registry, NUMBER_LINE)!;
    const reference = await Session.start(registry, NUMBER_LINE, seed);
    while (!reference.done) await reference.step(oracle(reference.prompt(), reference.info), 'oracle');
    expect(reference.totalReturn).toBeGreaterThan(0);

    const page = await open(`${baseUrl}?env=${encodeURIComponent(NUMBER_LINE)}&seed=${seed}`);
    expect(await page.getByTestId('prompt').textContent()).toBe(
      (await Session.start(registry, NUMBER_LINE, seed)).prompt().text,
    );
    for (const [t, step] of reference.steps.entries()) {
      if (t === 0) {
        // The first action typed, the rest clicked.
        await page.getByTestId('reply-input').fill(step.actionLabel!);
        await clickStep(page, '[data-testid="send-reply"]');
      } else await clickStep(page, `[data-testid="actions"] button[data-action="${step.actionLabel}"]`);
      expect(await page.getByTestId('last-action').textContent()).toBe(step.actionLabel);
    }
    expect(await page.getByTestId('done').textContent()).toContain('episode over');
    expect(Number(await page.getByTestId('return').textContent())).toBe(reference.totalReturn);

    // Same pixels: the page draws with Chromium's Skia through OffscreenCanvas, Node with @napi-rs/canvas.
    const frames = await page.evaluate(() => window.playground.frames());
    expect(frames).toHaveLength(reference.frames.length);
    frames.forEach((frame, i) => {
      const expected = reference.frames[i]!;
      expect([frame.width, frame.height]).toEqual([expected.width, expected.height]);
      const got = Buffer.from(frame.rgbBase64, 'base64');
      let differing = 0;
      for (let b = 0; b < got.length; b++) if (got[b] !== expected.data[b]) differing++;
      expect(differing, `frame ${i}: ${differing} of ${got.length} bytes differ`).toBe(0);
    });
    await page.close();
  });

  it('draws the first frame of every gym-cards env as Node does (card art, stroke font)', async () => {
    const registry = createRegistry();
    for (const envId of ['gym-cards/EZPoints-v0', 'gym-cards/Points24-v0', 'gym-cards/Blackjack-v0']) {
      for (const seed of [1]) {
        const page = await open(`${baseUrl}?env=${encodeURIComponent(envId)}&seed=${seed}`);
        const [frame] = await page.evaluate(() => window.playground.frames());
        const expected = (await Session.start(registry, envId, seed)).frames[0]!;
        expect([frame!.width, frame!.height]).toEqual([expected.width, expected.height]);
        expect(Buffer.from(frame!.rgbBase64, 'base64').equals(expected.data), `${envId} seed ${seed}`).toBe(
          true,
        );
        await page.close();
      }
    }
  });

  it('plays the household env with the oracle, with the frames Node draws', async () => {
    const envId = 'alfworld/Household-v0';
    const seed = 5;
    const steps = 4;
    const registry = createRegistry();
    const oracle = findOracle(registry, envId)!;
    const reference = await Session.start(registry, envId, seed);
    for (let t = 0; t < steps && !reference.done; t++) {
      await reference.step(oracle(reference.prompt(), reference.info), 'oracle');
    }
    const page = await open(`${baseUrl}?env=${encodeURIComponent(envId)}&seed=${seed}&player=oracle`);
    // A person gets the admissible commands as buttons.
    await page.getByTestId('player-you').check();
    const first = await Session.start(registry, envId, seed);
    expect(await page.locator('[data-testid="actions"] button').allTextContents()).toEqual(
      first.actionLabels(),
    );
    expect(first.actionLabels().length).toBeGreaterThan(3);
    await page.getByTestId('player-oracle').check();
    for (let t = 0; t < reference.steps.length; t++) await clickStep(page, '[data-testid="step"]');
    expect(await page.evaluate(() => window.playground.replies())).toEqual(
      reference.steps.map((s) => s.reply),
    );
    const frames = await page.evaluate(() => window.playground.frames());
    expect(
      frames.map((f) => Buffer.from(f.rgbBase64, 'base64').equals(reference.frames[frames.indexOf(f)]!.data)),
    ).toEqual(reference.frames.map(() => true));
    await page.close();
  });

  it(
    'runs the checkpoint `rl4vlm web <run>` preloads, with the greedy (and seeded sampled) replies Node gives',
    async () => {
      const policy = await TfjsPolicy.fromDirectory(checkpointDir);
      const registry = createRegistry();
      // Greedy for two seeds on each backend, and one replay sampled at temperature 0.7.
      const runs = [
        ...BACKENDS.flatMap((backend) => [0, 1].map((seed) => ({ seed, backend, temperature: 0 }))),
        { seed: 2, backend: 'auto', temperature: 0.7 },
      ];
      for (const { seed, backend, temperature } of runs) {
        const page = await open(`${preloadUrl}&seed=${seed}&backend=${backend}&temperature=${temperature}`);
        await page.waitForSelector('body[data-checkpoint="loaded"]', { timeout: 60_000 });
        expect(await page.getByTestId('checkpoint-status').textContent()).toMatch(/^Loaded checkpoint\//);
        expect(await page.getByTestId('max-new-tokens').inputValue()).toBe(String(MAX_NEW_TOKENS));
        expect(await page.getByTestId('greedy').isChecked()).toBe(temperature === 0);
        for (let t = 0; t < 3 && !(await page.getByTestId('done').textContent())?.includes('over'); t++) {
          await clickStep(page, '[data-testid="step"]');
        }
        const inPage = await page.evaluate(() => window.playground.replies());
        expect(inPage.length).toBeGreaterThan(0);

        const session = await Session.start(registry, NUMBER_LINE, seed);
        const inNode: string[] = [];
        for (let t = 0; t < inPage.length; t++) {
          const [generation] = await policy.generate([session.prompt()], {
            temperature,
            maxNewTokens: MAX_NEW_TOKENS,
            seed: seed * 1000 + t,
          });
          inNode.push(generation!.text);
          await session.step(generation!.text, 'model');
        }
        expect(inPage, `seed ${seed}, page backend ${backend}, temperature ${temperature}`).toEqual(inNode);
        if (backend !== 'auto') expect(await page.getByTestId('engine').textContent()).toContain(backend);
        await page.close();
      }
      policy.dispose();
    },
    (BACKENDS.length + 1) * 150_000,
  );

  it('says what is wrong with a bad checkpoint, and keeps the env playable', async () => {
    const page = await open(`${baseUrl}?env=${encodeURIComponent(NUMBER_LINE)}&seed=0`);
    const real = {
      config: readFileSync(path.join(checkpointDir, 'config.json')),
      model: readFileSync(path.join(checkpointDir, 'model.safetensors')),
      tokenizer: readFileSync(path.join(checkpointDir, 'tokenizer.json')),
    };
    const file = (name: string, buffer: Buffer) => ({ name, mimeType: 'application/octet-stream', buffer });
    const otherSize = JSON.parse(real.config.toString());
    otherSize.model.dim *= 2;
    const cases: [string, ReturnType<typeof file>[], RegExp][] = [
      [
        'not a checkpoint',
        [file('notes.txt', Buffer.from('hello'))],
        /Not a checkpoint: config\.json, model\.safetensors, tokenizer\.json are missing \(got notes\.txt\)/,
      ],
      [
        'a truncated model.safetensors',
        [
          file('config.json', real.config),
          file('model.safetensors', real.model.subarray(0, real.model.length >> 1)),
          file('tokenizer.json', real.tokenizer),
        ],
        /model\.safetensors cannot be read: truncated: the header says \d+ bytes, the file has \d+/,
      ],
      [
        'another architecture (a LLaVA config)',
        [
          file(
            'config.json',
            Buffer.from('{"architectures": ["LlavaForConditionalGeneration"], "model_type": "llava"}'),
          ),
          file('model.safetensors', real.model),
          file('tokenizer.json', real.tokenizer),
        ],
        /config\.json is not a rl4vlm-tfjs\/v1 checkpoint \(it describes LlavaForConditionalGeneration\)/,
      ],
      [
        'weights of another size',
        [
          file('config.json', Buffer.from(JSON.stringify(otherSize))),
          file('model.safetensors', real.model),
          file('tokenizer.json', real.tokenizer),
        ],
        /model\.safetensors weight .* has shape .* the weights belong to another architecture/,
      ],
    ];
    for (const [what, files, message] of cases) {
      await page.getByTestId('checkpoint-files').setInputFiles(files);
      await page.waitForSelector('body[data-checkpoint="error"]');
      expect(await page.getByTestId('error').textContent(), what).toMatch(message);
      expect(await page.getByTestId('error').isVisible()).toBe(true);
      await page.evaluate(() => delete document.body.dataset.checkpoint);
    }
    expect(await page.getByTestId('checkpoint-status').textContent()).toBe('No checkpoint loaded.');
    // The page still works: the frame is there and a click plays a step.
    expect(await page.getByTestId('frame').evaluate((c) => (c as HTMLCanvasElement).width)).toBeGreaterThan(
      1,
    );
    await clickStep(page, '[data-testid="actions"] button >> nth=0');
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
