// Wall-clock figures of the app's own work (not the model's): plugin loading, the demo, a report.
// Run after `pnpm --filter rl4vlm build`: `pnpm --filter rl4vlm bench`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createPluginRegistry, runDemo, writeReport } from '../dist/index.js';

const time = async (label, fn) => {
  const t0 = performance.now();
  const out = await fn();
  const ms = performance.now() - t0;
  console.log(`${label.padEnd(48)} ${(ms / 1000).toFixed(2)} s`);
  return out;
};

await time('load built-in plugins (first import, cold)', () => createPluginRegistry());
await time('load built-in plugins (again, warm)', () => createPluginRegistry());
const out = mkdtempSync(path.join(tmpdir(), 'rl4vlm-bench-'));
await time('demo: 4 gym-cards envs × 3 oracle episodes', () => runDemo({ out, episodes: 3 }, () => {}));
await time('demo: 4 gym-cards envs × 10 oracle episodes', () => runDemo({ out, episodes: 10 }, () => {}));
const run = process.argv[2];
if (run) await time(`report.html + curves.png for ${path.basename(run)}`, () => writeReport(run));
