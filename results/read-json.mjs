/**
 * Reads a run file as JSON, from `file` or, where results/compress-evals.mjs packed it to keep
 * results/ under its size budget, from `file.gz`. Every results/*.mjs reader goes through here, so
 * RESULTS.md's commands name the `.json` path either way.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** A JSON-lines file (metrics.jsonl) as its records; a missing file has none. */
export function readJsonLines(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/** An evaluation file of `rl4vlm train`/`eval` (`eval-*.json`); one without `records[]` is an error naming it. */
export function readEvaluation(file) {
  const evaluation = readJson(file);
  if (!Array.isArray(evaluation.records))
    throw new Error(`${file}: has no records[] (an eval-*.json of rl4vlm train/eval is expected)`);
  return evaluation;
}

/** Whether `file` or its `.gz` exists. */
export function jsonExists(file) {
  return existsSync(file) || existsSync(`${file}.gz`);
}

/** `file` parsed as JSON (or `file.gz` unpacked and parsed; a `.gz` path named directly is unpacked too); a missing or damaged file is an error naming it. */
export function readJson(file) {
  const name = !existsSync(file) && existsSync(`${file}.gz`) ? `${file}.gz` : file;
  const packed = name.endsWith('.gz');
  let text;
  try {
    text = packed ? gunzipSync(readFileSync(name)).toString('utf8') : readFileSync(name, 'utf8');
  } catch (error) {
    throw new Error(`${name}: cannot be read (${error.message})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${name}: is not JSON (${error.message})`);
  }
}
