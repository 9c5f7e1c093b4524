import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { GalleryEpisode } from '../run/episode-files.js';

/** One metrics line as the trainer writes it. */
export type MetricsLine = { phase: string } & Record<string, unknown>;

/** An evaluation's summary numbers, by stage (`after-sft`, `final`, or a name given to `rl4vlm eval`). */
export interface EvalNumbers {
  stage: string;
  episodes: number;
  successRate: number;
  successLow?: number;
  successHigh?: number;
  meanReturn: number;
  meanLength: number;
  formatErrorRate: number;
}

/** Everything a report is made from, read back from a run folder. */
export interface RunData {
  name: string;
  dir: string;
  config: Record<string, any>;
  metrics: MetricsLine[];
  evals: EvalNumbers[];
  galleries: { stage: string; dir: string; episodes: GalleryEpisode[] }[];
}

/** The app's resolved config file in a run folder. */
export const RUN_CONFIG_FILE = 'rl4vlm.config.json';

function readJson(file: string): any {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Reads JSON lines, skipping a torn last line (a killed writer). */
export function readMetrics(file: string): MetricsLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as MetricsLine];
      } catch {
        return [];
      }
    });
}

/** Reads a run folder: config, metrics, evaluation summaries and episode galleries. */
export function readRun(dir: string): RunData {
  if (!existsSync(dir)) throw new Error(`No run folder at ${path.resolve(dir)}`);
  const configFile = [RUN_CONFIG_FILE, 'config.json'].map((f) => path.join(dir, f)).find(existsSync);
  const config = configFile ? readJson(configFile) : {};
  const metrics = readMetrics(path.join(dir, 'metrics.jsonl'));
  if (!configFile && metrics.length === 0) {
    throw new Error(
      `${path.resolve(dir)} is not a run folder: it has no ${RUN_CONFIG_FILE}, config.json or metrics.jsonl`,
    );
  }
  const evals: EvalNumbers[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => /^eval-.*\.json$/.test(f))
    .sort()) {
    const s = readJson(path.join(dir, file));
    evals.push({
      stage: file.replace(/^eval-|\.json$/g, ''),
      episodes: s.episodes,
      successRate: s.successRate,
      successLow: s.successInterval?.low,
      successHigh: s.successInterval?.high,
      meanReturn: s.meanReturn,
      meanLength: s.meanLength,
      formatErrorRate: s.formatErrorRate,
    });
  }
  // Put the stages in training order.
  const order = (s: string) => (s === 'after-sft' ? 0 : s === 'final' ? 2 : 1);
  evals.sort((a, b) => order(a.stage) - order(b.stage));
  const galleries: RunData['galleries'] = [];
  const episodesDir = path.join(dir, 'episodes');
  if (existsSync(episodesDir)) {
    for (const stage of readdirSync(episodesDir).sort((a, b) => order(a) - order(b))) {
      const file = path.join(episodesDir, stage, 'gallery.json');
      if (existsSync(file))
        galleries.push({ stage, dir: path.join(episodesDir, stage), episodes: readJson(file) });
    }
  }
  return { name: path.basename(path.resolve(dir)), dir, config, metrics, evals, galleries };
}
