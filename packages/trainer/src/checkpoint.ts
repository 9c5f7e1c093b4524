import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { AdamState } from './adam.js';

/** Written last into a checkpoint folder: a folder without it is incomplete and never loaded. */
export const MANIFEST_FILE = 'manifest.json';
/** Points at the newest complete checkpoint; replaced atomically. */
export const LATEST_FILE = 'latest.json';
const TMP_PREFIX = '.tmp-';

/** The manifest of a complete checkpoint. */
export interface CheckpointManifest {
  format: 'rl4vlm.trainer.checkpoint/v1';
  name: string;
  update: number;
  createdAt: string;
  files: string[];
  /** Byte size of every file below the folder (paths relative to it), checked before a resume. */
  sizes?: Record<string, number>;
}

/** A checkpoint that cannot be resumed from, and why. */
export interface DamagedCheckpoint {
  dir: string;
  problem: string;
}

/** What {@link surveyCheckpoints} finds: intact checkpoints oldest first, and the damaged ones. */
export interface CheckpointSurvey {
  intact: { name: string; dir: string; update: number }[];
  damaged: DamagedCheckpoint[];
}

/** An I/O failure while writing a checkpoint, naming the folder (Node's `ENOSPC … write` names none). */
export class CheckpointWriteError extends Error {
  readonly code?: string;
  constructor(
    readonly dir: string,
    cause: unknown,
  ) {
    const code = (cause as NodeJS.ErrnoException)?.code;
    const what =
      code === 'ENOSPC'
        ? 'the disk is full'
        : code === 'EROFS' || code === 'EACCES' || code === 'EPERM'
          ? 'the folder is not writable'
          : 'the write failed';
    super(
      `Could not write checkpoint ${dir}: ${what} (${cause instanceof Error ? cause.message : String(cause)}). The previous checkpoint is untouched and the partial folder was removed; free space or fix permissions, then resume.`,
      { cause },
    );
    this.name = 'CheckpointWriteError';
    this.code = code;
  }
}

function fsyncPath(path: string): void {
  try {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some platforms cannot fsync folders; the rename is still atomic.
  }
}

/** Writes a file so it is either absent or complete: temp file, fsync, rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  fsyncPath(tmp);
  renameSync(tmp, path);
}

/** Checkpoint folder name for an update count, sortable: `update-000012`. */
export function checkpointName(update: number): string {
  return `update-${String(update).padStart(6, '0')}`;
}

/**
 * Writes a checkpoint atomically: `write(tmpDir)` fills a temporary folder next to the final
 * one, the manifest (with every file's size) goes in last, the folder is renamed into place and
 * `latest.json` is replaced. A writer killed at any point leaves the previous checkpoint and
 * `latest.json` untouched; a write that fails (disk full, read-only) removes its temporary
 * folder and throws a {@link CheckpointWriteError} naming the checkpoint. Older complete
 * checkpoints of the same kind beyond `keepLast` are deleted only after that.
 *
 * @param name folder name; default `update-<update>`. Other names (`sft-step-…`) do not move `latest.json`.
 * @returns the final folder.
 */
export async function writeCheckpoint(
  root: string,
  update: number,
  write: (dir: string) => Promise<void> | void,
  { keepLast = 2, name = checkpointName(update) }: { keepLast?: number; name?: string } = {},
): Promise<string> {
  const final = join(root, name);
  const tmp = join(root, `${TMP_PREFIX}${name}-${process.pid}-${Date.now()}`);
  try {
    await mkdir(root, { recursive: true });
    await mkdir(tmp, { recursive: true });
    await write(tmp);
    const manifest: CheckpointManifest = {
      format: 'rl4vlm.trainer.checkpoint/v1',
      name,
      update,
      createdAt: new Date().toISOString(),
      files: readdirSync(tmp),
      sizes: fileSizes(tmp),
    };
    writeFileAtomic(join(tmp, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
    fsyncPath(tmp);
    if (existsSync(final)) {
      // Rewriting the same checkpoint (a resumed run stopped again at once, or a damaged one): move the old one aside first.
      const aside = join(root, `${TMP_PREFIX}old-${name}-${process.pid}-${Date.now()}`);
      renameSync(final, aside);
      renameSync(tmp, final);
      rmSync(aside, { recursive: true, force: true });
    } else {
      renameSync(tmp, final);
    }
    fsyncPath(root);
    if (isUpdateName(name)) writeFileAtomic(join(root, LATEST_FILE), JSON.stringify({ name, update }));
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error instanceof CheckpointWriteError ? error : new CheckpointWriteError(final, error);
  }
  pruneCheckpoints(root, keepLast, name);
  return final;
}

const isUpdateName = (name: string) => /^update-\d+$/.test(name);

/** Sizes of every file under `dir`, by path relative to it. */
function fileSizes(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[relative(dir, full)] = statSync(full).size;
    }
  };
  walk(dir);
  return out;
}

/**
 * Why the checkpoint in `dir` cannot be resumed from, or `undefined` when it is intact: its
 * manifest must parse, and every file it lists must be there with the size it had when written.
 */
export function checkpointProblem(dir: string): string | undefined {
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) return `${MANIFEST_FILE} is missing (the write never finished)`;
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as CheckpointManifest;
  } catch (e) {
    return `${MANIFEST_FILE} is not valid JSON (${(e as Error).message})`;
  }
  if (manifest?.format !== 'rl4vlm.trainer.checkpoint/v1')
    return `${MANIFEST_FILE} has format ${JSON.stringify(manifest?.format)}, expected "rl4vlm.trainer.checkpoint/v1"`;
  for (const f of manifest.files ?? []) {
    if (!existsSync(join(dir, f))) return `${f} is missing`;
  }
  for (const [f, size] of Object.entries(manifest.sizes ?? {})) {
    const file = join(dir, f);
    if (!existsSync(file)) return `${f} is missing`;
    const actual = statSync(file).size;
    if (actual !== size)
      return `${f} is truncated or changed: the manifest says ${size} bytes, the file has ${actual}`;
  }
  return undefined;
}

/**
 * Every checkpoint folder under `root` whose name matches `pattern` (default `update-N`):
 * the intact ones oldest first, and the damaged ones with why.
 */
export function surveyCheckpoints(root: string, pattern = /^update-\d+$/): CheckpointSurvey {
  const survey: CheckpointSurvey = { intact: [], damaged: [] };
  if (!existsSync(root)) return survey;
  for (const name of readdirSync(root).sort()) {
    if (!pattern.test(name)) continue;
    const dir = join(root, name);
    const problem = checkpointProblem(dir);
    if (problem) {
      survey.damaged.push({ dir, problem });
      continue;
    }
    const manifest = readManifest(dir)!;
    survey.intact.push({ name, dir, update: manifest.update });
  }
  survey.intact.sort((a, b) => a.update - b.update);
  return survey;
}

/**
 * Removes the temporary folders of checkpoint writes that never finished (a killed or failed
 * writer). Call it only while this process owns the run folder.
 *
 * @returns the folders removed.
 */
export function cleanTempCheckpoints(root: string): string[] {
  if (!existsSync(root)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(root)) {
    if (!name.startsWith(TMP_PREFIX) && !name.endsWith('.tmp')) continue;
    rmSync(join(root, name), { recursive: true, force: true });
    removed.push(join(root, name));
  }
  return removed;
}

/** Complete checkpoints under `root`, oldest first. */
export function listCheckpoints(
  root: string,
  pattern = /^update-\d+$/,
): { name: string; dir: string; update: number }[] {
  return surveyCheckpoints(root, pattern).intact;
}

function readManifest(dir: string): CheckpointManifest | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as CheckpointManifest;
    return m.format === 'rl4vlm.trainer.checkpoint/v1' ? m : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The newest complete checkpoint folder under `root`: the one `latest.json` names when it is
 * complete, else the highest complete `update-*` folder; `undefined` when there is none.
 */
export function findLatestCheckpoint(root: string): string | undefined {
  try {
    const { name } = JSON.parse(readFileSync(join(root, LATEST_FILE), 'utf8')) as { name: string };
    const dir = join(root, name);
    if (isUpdateName(name) && !checkpointProblem(dir)) return dir;
  } catch {
    // missing or torn: fall back to scanning
  }
  return listCheckpoints(root).at(-1)?.dir;
}

function pruneCheckpoints(root: string, keepLast: number, newest: string): void {
  const complete = listCheckpoints(root, isUpdateName(newest) ? /^update-\d+$/ : /^sft-step-\d+$/);
  for (const c of complete.slice(0, Math.max(0, complete.length - keepLast))) {
    if (c.name !== newest) rmSync(c.dir, { recursive: true, force: true });
  }
  // Leftovers of writers that were killed mid-write.
  for (const name of readdirSync(root)) {
    if (name.startsWith(TMP_PREFIX) && !name.includes(`-${process.pid}-`))
      rmSync(join(root, name), { recursive: true, force: true });
  }
}

/** Saves {@link AdamState} as `optimizer.json` (counts, names, shapes) + `optimizer.bin` (float32 m then v). */
export function saveAdamState(dir: string, state: AdamState): void {
  const sizes = state.m.map((a) => a.length);
  const total = sizes.reduce((a, b) => a + b, 0);
  const bin = new Float32Array(total * 2);
  let at = 0;
  for (const a of state.m) {
    bin.set(a, at);
    at += a.length;
  }
  for (const a of state.v) {
    bin.set(a, at);
    at += a.length;
  }
  writeFileSync(join(dir, 'optimizer.bin'), new Uint8Array(bin.buffer));
  writeFileSync(join(dir, 'optimizer.json'), JSON.stringify({ step: state.step, names: state.names, sizes }));
}

/** Reads what {@link saveAdamState} wrote. */
export function loadAdamState(dir: string): AdamState {
  const meta = JSON.parse(readFileSync(join(dir, 'optimizer.json'), 'utf8')) as {
    step: number;
    names: string[];
    sizes: number[];
  };
  const raw = readFileSync(join(dir, 'optimizer.bin'));
  const bin = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const total = meta.sizes.reduce((a, b) => a + b, 0);
  if (bin.length !== total * 2)
    throw new Error(
      `optimizer.bin in ${dir} holds ${bin.length} floats, optimizer.json describes ${total * 2}`,
    );
  const m: Float32Array[] = [];
  const v: Float32Array[] = [];
  let at = 0;
  for (const s of meta.sizes) {
    m.push(bin.slice(at, at + s));
    at += s;
  }
  for (const s of meta.sizes) {
    v.push(bin.slice(at, at + s));
    at += s;
  }
  return { step: meta.step, names: meta.names, m, v };
}
