import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
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
 * one, the manifest goes in last, the folder is renamed into place and `latest.json` is
 * replaced. A writer killed at any point leaves the previous checkpoint and `latest.json`
 * untouched. Older complete checkpoints beyond `keepLast` are deleted only after that.
 *
 * @returns the final folder.
 */
export async function writeCheckpoint(
  root: string,
  update: number,
  write: (dir: string) => Promise<void> | void,
  { keepLast = 2 }: { keepLast?: number } = {},
): Promise<string> {
  await mkdir(root, { recursive: true });
  const name = checkpointName(update);
  const tmp = join(root, `${TMP_PREFIX}${name}-${process.pid}-${Date.now()}`);
  await mkdir(tmp, { recursive: true });
  await write(tmp);
  const manifest: CheckpointManifest = {
    format: 'rl4vlm.trainer.checkpoint/v1',
    name,
    update,
    createdAt: new Date().toISOString(),
    files: readdirSync(tmp),
  };
  writeFileAtomic(join(tmp, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
  fsyncPath(tmp);
  const final = join(root, name);
  if (existsSync(final)) {
    // Rewriting the same update (a resumed run stopped again at once): move the old one aside first.
    const aside = join(root, `${TMP_PREFIX}old-${name}-${process.pid}-${Date.now()}`);
    renameSync(final, aside);
    renameSync(tmp, final);
    rmSync(aside, { recursive: true, force: true });
  } else {
    renameSync(tmp, final);
  }
  fsyncPath(root);
  writeFileAtomic(join(root, LATEST_FILE), JSON.stringify({ name, update }));
  pruneCheckpoints(root, keepLast, name);
  return final;
}

/** Complete checkpoints under `root`, oldest first. */
export function listCheckpoints(root: string): { name: string; dir: string; update: number }[] {
  if (!existsSync(root)) return [];
  const out: { name: string; dir: string; update: number }[] = [];
  for (const name of readdirSync(root)) {
    if (!/^update-\d+$/.test(name)) continue;
    const manifest = readManifest(join(root, name));
    if (manifest) out.push({ name, dir: join(root, name), update: manifest.update });
  }
  return out.sort((a, b) => a.update - b.update);
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
    if (readManifest(dir)) return dir;
  } catch {
    // missing or torn: fall back to scanning
  }
  return listCheckpoints(root).at(-1)?.dir;
}

function pruneCheckpoints(root: string, keepLast: number, newest: string): void {
  const complete = listCheckpoints(root);
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
