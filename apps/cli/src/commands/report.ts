import type { Command } from 'commander';
import { writeReport } from '../report/index.js';
import { findRun } from '../run/run-folder.js';

export function registerReport(program: Command): void {
  program
    .command('report <run>')
    .description(
      'write a self-contained report.html (curves, evaluation table, episode gallery) and curves.png for a run',
    )
    .option('--runs-dir <dir>', 'where to look for <run> by name', 'runs')
    .addHelpText(
      'after',
      `
The page needs no network: charts are inline SVG and observations are data URLs.

Examples:
  $ rl4vlm report NumberLine-v0-20250101-120000
  $ rl4vlm report runs/my-run && xdg-open runs/my-run/report.html`,
    )
    .action((ref: string, flags: { runsDir: string }) => {
      const run = findRun(ref, flags.runsDir);
      const { html, png } = writeReport(run.dir);
      console.log(`Report: ${html}\nCurves: ${png}`);
    });
}
