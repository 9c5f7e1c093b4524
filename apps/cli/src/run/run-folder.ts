import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify as toYaml } from 'yaml';
import type { AppConfig } from '../config/index.js';
import { isPathReference } from '../plugins/index.js';
import { RUN_CONFIG_FILE } from '../report/read-run.js';

/**
 * A run folder `runs/<name>/` holds:
 * - `rl4vlm.config.json` / `rl4vlm.config.yaml`: the resolved app config (plugin paths made absolute);
 * - `config.json`: the trainer's resolved config; `metrics.jsonl`: one JSON line per update/epoch/eval;
 * - `checkpoints/update-N/`: weights, optimizer and RNG state, counters;
 * - `eval-after-sft.json`, `eval-final.json`: evaluation summaries with every episode's replies;
 * - `episodes/<stage>/`: gallery episodes as GIF, PNG strip, PNG frames, transcript, `gallery.json`;
 * - `report.html`, `curves.png`, `summary.json`.
 */
export interface RunFolder {
  name: string;
  dir: string;
}

/** A default run name: the env's short name and the time, e.g. `NumberLine-v0-20250101-120000`. */
export function defaultRunName(envId: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${envId
    .split('/')
    .pop()!
    .replace(/[^A-Za-z0-9._-]/g, '_')}-${stamp}`;
}

/** Finds a run by folder path or by name under `runsDir`; an error says where it looked. */
export function findRun(ref: string, runsDir = 'runs'): RunFolder {
  for (const dir of [ref, path.join(runsDir, ref)]) {
    if (existsSync(path.join(dir, RUN_CONFIG_FILE)) || existsSync(path.join(dir, 'metrics.jsonl'))) {
      return { name: path.basename(path.resolve(dir)), dir };
    }
  }
  throw new Error(
    `No run '${ref}': looked for ${RUN_CONFIG_FILE} in ${path.resolve(ref)} and ${path.resolve(runsDir, ref)}`,
  );
}

/** Saves the resolved config in the run folder, as JSON (read back by resume/eval/report) and YAML (for people). */
export function saveRunConfig(dir: string, config: AppConfig, baseDir: string): AppConfig {
  mkdirSync(dir, { recursive: true });
  // Paths in `plugins` were relative to the config file; keep them usable from anywhere.
  const saved = {
    ...config,
    plugins: config.plugins.map((p) => (isPathReference(p) ? path.resolve(baseDir, p) : p)),
  };
  writeFileSync(path.join(dir, RUN_CONFIG_FILE), `${JSON.stringify(saved, null, 2)}\n`);
  writeFileSync(
    path.join(dir, 'rl4vlm.config.yaml'),
    `# resolved config of run ${path.basename(dir)}\n${toYaml(saved)}`,
  );
  return saved;
}

/** The resolved config a run was started with. */
export function readRunConfig(dir: string): Record<string, unknown> {
  const file = path.join(dir, RUN_CONFIG_FILE);
  if (!existsSync(file))
    throw new Error(`${dir} has no ${RUN_CONFIG_FILE}; was it made by \`rl4vlm train\`?`);
  const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  // Saved configs are resolved, so a `ppo` without `chunkSize` predates it: such a run scored
  // each minibatch in one pass, and resumes that way rather than with the new default.
  const ppo = saved.ppo as Record<string, unknown> | undefined;
  if (ppo && typeof ppo === 'object' && !('chunkSize' in ppo)) saved.ppo = { ...ppo, chunkSize: null };
  return saved;
}
