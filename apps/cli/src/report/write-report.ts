import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCharts } from './charts.js';
import { renderReportHtml } from './html.js';
import { chartsPng } from './png-chart.js';
import { readRun } from './read-run.js';

/** Writes `report.html` and `curves.png` into a run folder and returns their paths. */
export function writeReport(runDir: string): { html: string; png: string } {
  const run = readRun(runDir);
  const html = path.join(runDir, 'report.html');
  const png = path.join(runDir, 'curves.png');
  writeFileSync(html, renderReportHtml(run));
  writeFileSync(png, chartsPng(runCharts(run)));
  return { html, png };
}
