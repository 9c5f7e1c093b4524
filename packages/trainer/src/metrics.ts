import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * One metrics line: a flat record of numbers (and a few strings/booleans), one per update or stage.
 * An RL update's line has `phase: 'rl'` and `algorithm` (runs from before algorithm plugins say `'ppo'`).
 */
export type MetricsRecord = { phase: 'rl' | 'ppo' | 'sft' | 'eval' | string } & Record<
  string,
  number | string | boolean | null
>;

/** True for an RL update's line: `phase: 'rl'`, or `'ppo'` as runs wrote before algorithm plugins. */
export function isRlRecord(record: { phase?: unknown }): boolean {
  return record.phase === 'rl' || record.phase === 'ppo';
}

/** The algorithm of an RL update's line (`'ppo'` for lines written before algorithm plugins). */
export function recordAlgorithm(record: { phase?: unknown; algorithm?: unknown }): string | undefined {
  if (!isRlRecord(record)) return undefined;
  return typeof record.algorithm === 'string' ? record.algorithm : 'ppo';
}

/** Where metrics go. Plugins add their own (TensorBoard, W&B, a web socket). */
export interface MetricsSink {
  write(record: MetricsRecord): void | Promise<void>;
  close?(): void | Promise<void>;
}

/** What a progress bar needs: the stage and how far along it is. */
export interface ProgressEvent {
  /** `rl` is the whole RL stage counted in updates; `rollout` and `update` are one update's parts. */
  phase: 'rl' | 'rollout' | 'update' | 'eval' | 'sft';
  done: number;
  total: number;
  /** The RL update (0-based) the event belongs to, where there is one. */
  update?: number;
}

export type ProgressCallback = (event: ProgressEvent) => void;

function formatValue(v: unknown): string {
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toFixed(4);
}

/** Prints each record as one `key=value` line (to `console.log` unless given another writer). */
export class ConsoleSink implements MetricsSink {
  constructor(
    private readonly keys?: readonly string[],
    private readonly print: (line: string) => void = (line) => console.log(line),
  ) {}

  write(record: MetricsRecord): void {
    const keys = this.keys ?? Object.keys(record);
    this.print(
      keys
        .filter((k) => k in record)
        .map((k) => `${k}=${formatValue(record[k])}`)
        .join(' '),
    );
  }
}

/** Appends each record as one JSON line to a file (created with its folder when missing). */
export class JsonLinesSink implements MetricsSink {
  readonly path: string;
  constructor(path: string) {
    this.path = path;
    mkdirSync(dirname(path), { recursive: true });
  }

  write(record: MetricsRecord): void {
    try {
      appendFileSync(this.path, `${JSON.stringify(record)}\n`);
    } catch (e) {
      // Node's `ENOSPC … write` names no file.
      throw new Error(`Could not append to ${this.path}: ${(e as Error).message}`, { cause: e });
    }
  }

  /**
   * On resume: drops the lines a stopped run wrote after its last checkpoint (RL lines with
   * `update >= fromUpdate`), so the file reads as one uninterrupted run.
   */
  rewindTo(fromUpdate: number): void {
    // RL lines and the worker-memory lines that follow them.
    const perUpdate = (r: MetricsRecord) => isRlRecord(r) || r.phase === 'workers';
    this.keepOnly((r) => !(perUpdate(r) && typeof r.update === 'number' && r.update >= fromUpdate));
  }

  /** Keeps only the lines `keep` accepts (torn lines are dropped): a resume rewinds to its checkpoint. */
  keepOnly(keep: (record: MetricsRecord) => boolean): void {
    if (!existsSync(this.path)) return;
    const kept = readFileSync(this.path, 'utf8')
      .split('\n')
      .filter((line) => {
        if (!line.trim()) return false;
        try {
          return keep(JSON.parse(line) as MetricsRecord);
        } catch {
          return false; // a line torn by a kill
        }
      });
    writeFileSync(this.path, kept.map((l) => `${l}\n`).join(''));
  }
}

/** Reads a JSON-lines metrics file back (skips torn lines). */
export function readJsonLines(path: string): MetricsRecord[] {
  if (!existsSync(path)) return [];
  const out: MetricsRecord[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as MetricsRecord);
    } catch {
      // torn line
    }
  }
  return out;
}

/** Keys whose values depend on wall time, not on the computation; leave them out when comparing runs. */
export const TIMING_KEYS = [
  'tokensPerSecond',
  'envStepsPerSecond',
  'rolloutSeconds',
  'updateSeconds',
  'seconds',
  'time',
] as const;
