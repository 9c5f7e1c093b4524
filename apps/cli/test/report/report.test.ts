import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { decodePng } from '@rl4vlm/env';
import { browserRequired, hasChromium, launchChromium } from '@rl4vlm/test-kit/chromium';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  lineChartSvg,
  niceTicks,
  readRun,
  renderReportHtml,
  thoughtsOf,
  writeReport,
} from '../../src/report/index.js';
import { writeFakeRun } from '../helpers/fake-run.js';

describe('chart helpers', () => {
  it('niceTicks covers the range with evenly spaced round values', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        (lo, span) => {
          const ticks = niceTicks(lo, lo + span);
          expect(ticks.length).toBeGreaterThanOrEqual(2);
          expect(ticks[0]!).toBeGreaterThanOrEqual(lo - span * 1e-6);
          expect(ticks.at(-1)!).toBeLessThanOrEqual(lo + span + span * 1e-6);
          const step = ticks[1]! - ticks[0]!;
          const mantissa = step / 10 ** Math.floor(Math.log10(step));
          expect([1, 2, 5, 10].some((m) => Math.abs(mantissa - m) < 1e-6)).toBe(true);
        },
      ),
    );
  });

  it('draws one polyline per series with data, and says so when there is none', () => {
    const svg = lineChartSvg({
      id: 'c',
      title: 'T <x>',
      xLabel: 'steps',
      yLabel: 'y',
      series: [
        {
          name: 'a',
          color: '#000',
          points: [
            [0, 1],
            [1, 2],
            [2, Number.NaN],
          ],
        },
        { name: 'b', color: '#f00', points: [] },
      ],
    });
    expect(svg.match(/<polyline/g)).toHaveLength(1);
    expect(svg.match(/<circle/g)).toHaveLength(2); // the NaN point is dropped
    expect(svg).toContain('T &lt;x&gt;');
    expect(lineChartSvg({ id: 'e', title: 'E', xLabel: 'x', yLabel: 'y', series: [] })).toContain(
      'no data yet',
    );
  });

  it('reads the chain of thought of a reply', () => {
    expect(thoughtsOf('{"thoughts": "go \\"up\\"", "action": "+"}')).toBe('go "up"');
    expect(thoughtsOf('I think + is right "action": "+"')).toBe('I think + is right');
  });
});

describe('report.html', () => {
  let dir: string;
  beforeAll(async () => {
    dir = path.join(mkdtempSync(path.join(tmpdir(), 'rl4vlm-report-')), 'fake-run');
    await writeFakeRun(dir);
  });

  it('reads the run back, skipping a torn metrics line', () => {
    const run = readRun(dir);
    expect(run.metrics.filter((m) => m.phase === 'ppo')).toHaveLength(5);
    expect(run.evals.map((e) => e.stage)).toEqual(['after-sft', 'final']);
    expect(run.galleries.map((g) => [g.stage, g.episodes.length])).toEqual([
      ['after-sft', 3],
      ['final', 3],
    ]);
  });

  it('is self-contained: no external URL, every image a data URL, the data embedded as JSON', () => {
    const html = renderReportHtml(readRun(dir));
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const srcs = [...html.matchAll(/<img[^>]* src="([^"]+)"/g)].map((m) => m[1]!);
    expect(srcs.length).toBeGreaterThan(3);
    for (const src of srcs) expect(src.startsWith('data:image/png;base64,')).toBe(true);
    const data = JSON.parse(
      /<script type="application\/json" id="run-data">(.*?)<\/script>/s.exec(html)![1]!,
    );
    expect(data.metrics).toHaveLength(7);
  });

  it('escapes model text', () => {
    const html = renderReportHtml(readRun(dir));
    expect(html).toContain('&lt;script&gt;window.injected = 1&lt;/script&gt;');
    expect(html).not.toContain('<script>window.injected');
  });

  it('writes curves.png with the charts', () => {
    const { png } = writeReport(dir);
    const image = decodePng(readFileSync(png));
    expect([image.width, image.height]).toEqual([960, 900]); // 5 charts: 2 columns × 3 rows
    // Not blank: some pixels are the series colours.
    let coloured = 0;
    for (let i = 0; i < image.data.length; i += 3)
      if (image.data[i]! > 200 && image.data[i + 1]! < 80) coloured++;
    expect(coloured).toBeGreaterThan(50);
  });

  it.skipIf(!hasChromium() && !browserRequired)(
    'loads in headless Chromium with no console errors, charts and episodes',
    async () => {
      const { html } = writeReport(dir);
      const context = await launchChromium();
      try {
        const page = await context.newPage();
        const problems: string[] = [];
        const requests: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
        });
        page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
        page.on('request', (r) => {
          if (!/^(file|data):/.test(r.url())) requests.push(r.url());
        });
        await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
        expect(await page.title()).toBe('rl4vlm report · fake-run');
        const charts = await page.$$eval('svg.chart', (svgs) =>
          svgs.map((s) => ({
            id: s.id,
            width: s.getBoundingClientRect().width,
            points: [...s.querySelectorAll('polyline')].map(
              (p) => p.getAttribute('points')!.split(' ').length,
            ),
          })),
        );
        expect(charts.map((c) => c.id)).toEqual([
          'chart-success',
          'chart-return',
          'chart-losses',
          'chart-format-errors',
          'chart-sft',
        ]);
        for (const c of charts) {
          expect(c.width).toBeGreaterThan(100);
          expect(Math.max(...c.points)).toBeGreaterThanOrEqual(2);
        }
        const episodes = await page.$$eval('.episode', (els) =>
          els.map((e) => ({
            title: e.querySelector('h3')!.textContent,
            images: [...e.querySelectorAll('img.frame')].map((i) => (i as HTMLImageElement).naturalWidth),
            thoughts: e.querySelector('.thoughts')!.textContent,
            action: e.querySelector('.action')!.textContent,
          })),
        );
        expect(episodes.length).toBe(6);
        expect(episodes[0]!.title).toMatch(/after-sft · tictactoe\/TicTacToe-v0 · seed 100 · return/);
        expect(episodes[0]!.images.every((w) => w === 96)).toBe(true);
        expect(episodes[0]!.thoughts).toMatch(/chain of thought.*cell 5/);
        expect(episodes[0]!.action).toBe('5');
        expect(
          await page.evaluate(() => (window as unknown as { injected?: number }).injected),
        ).toBeUndefined();
        expect(await page.locator('#evals tr').count()).toBe(3);
        expect(problems).toEqual([]);
        expect(requests).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );
});
