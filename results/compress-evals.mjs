#!/usr/bin/env node
/**
 * Packs the evaluation files of finished runs (`eval-*.json`, `<folder>/eval.json`; every episode's
 * replies, 1–2 MB per 1,000 episodes) into `.json.gz`, to keep results/ under its 200 MB budget.
 * The results/*.mjs readers read either form (read-json.mjs). The eval-*.json of a run still training
 * (its summary.json missing or saying stopped) are left alone: `rl4vlm resume` reads its eval-after-sft.json.
 *
 *   node results/compress-evals.mjs [--min-kb 256] [run ...]
 */
import { existsSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let minBytes = 256 * 1024;
const at = args.indexOf('--min-kb');
if (at >= 0) {
  minBytes = 1024 * Number(args[at + 1]);
  if (!Number.isFinite(minBytes)) throw new Error(`--min-kb takes a number, got '${args[at + 1]}'`);
  args.splice(at, 2);
}
const runsDir = join(root, 'results/runs');
const runs = args.length > 0 ? args : readdirSync(runsDir).sort();

function finished(dir) {
  const summary = join(dir, 'summary.json');
  if (!existsSync(summary)) return false;
  try {
    return JSON.parse(readFileSync(summary, 'utf8')).stopped === false;
  } catch {
    console.error(`${summary}: is not JSON; run left alone`);
    return false;
  }
}

let before = 0;
let after = 0;
for (const run of runs) {
  const dir = join(runsDir, run);
  if (!existsSync(dir)) throw new Error(`${dir}: no such run`);
  // A run still training keeps its own eval-*.json (resume reads eval-after-sft.json); re-evaluations
  // in sub-folders (`rl4vlm eval -o <run>/<folder>`) are never read back by the CLI.
  const files = finished(dir)
    ? readdirSync(dir)
        .filter((f) => /^eval-.*\.json$/.test(f))
        .map((f) => join(dir, f))
    : [];
  for (const sub of readdirSync(dir))
    if (existsSync(join(dir, sub, 'eval.json'))) files.push(join(dir, sub, 'eval.json'));
  for (const file of files) {
    const size = statSync(file).size;
    if (size < minBytes) continue;
    const text = readFileSync(file);
    try {
      JSON.parse(text.toString('utf8'));
    } catch (error) {
      // Never pack a damaged file: packing would hide the damage.
      console.error(`${file}: is not JSON (${error.message}); left as it is`);
      process.exitCode = 1;
      continue;
    }
    const packed = gzipSync(text, { level: 9 });
    writeFileSync(`${file}.gz`, packed);
    unlinkSync(file);
    before += size;
    after += packed.length;
    console.log(`${file}: ${(size / 1e6).toFixed(2)} MB → ${(packed.length / 1e6).toFixed(2)} MB`);
  }
}
console.log(`packed ${(before / 1e6).toFixed(1)} MB into ${(after / 1e6).toFixed(1)} MB`);
