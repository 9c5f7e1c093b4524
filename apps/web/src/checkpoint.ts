import { CHECKPOINT_FILE_NAMES, type CheckpointFiles } from '@rl4vlm/policy-tfjs';

/** The files a checkpoint needs, in the order the page lists them. */
const NEEDED = Object.values(CHECKPOINT_FILE_NAMES);

/**
 * Picks `config.json`, `model.safetensors` and `tokenizer.json` out of dropped or chosen files
 * (a folder's files, or the three picked by hand). An error names what is missing and what was given.
 */
export async function readDroppedCheckpoint(files: readonly File[]): Promise<CheckpointFiles> {
  const byName = new Map<string, File>();
  for (const file of files) {
    const name = file.name.split('/').pop()!;
    // From a dropped run folder, prefer the newest checkpoint's files (paths sort by update number).
    const existing = byName.get(name);
    const path = file.webkitRelativePath || file.name;
    if (!existing || path > (existing.webkitRelativePath || existing.name)) byName.set(name, file);
  }
  const missing = NEEDED.filter((n) => !byName.has(n));
  if (missing.length) {
    const given = files.map((f) => f.name).join(', ') || 'nothing';
    throw new Error(
      `Not a checkpoint: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing (got ${given}). Drop a checkpoint's policy/ folder or its three files: ${NEEDED.join(', ')}.`,
    );
  }
  return {
    config: await byName.get(CHECKPOINT_FILE_NAMES.config)!.text(),
    model: new Uint8Array(await byName.get(CHECKPOINT_FILE_NAMES.model)!.arrayBuffer()),
    tokenizer: await byName.get(CHECKPOINT_FILE_NAMES.tokenizer)!.text(),
  };
}

/** Fetches a checkpoint's three files from a folder URL (what `rl4vlm web <run>` serves). */
export async function fetchCheckpoint(folderUrl: string): Promise<CheckpointFiles> {
  const base = folderUrl.endsWith('/') ? folderUrl : `${folderUrl}/`;
  const get = async (name: string): Promise<Response> => {
    const response = await fetch(new URL(name, new URL(base, location.href)));
    if (!response.ok) throw new Error(`Could not fetch ${base}${name}: HTTP ${response.status}`);
    return response;
  };
  const [config, model, tokenizer] = await Promise.all(NEEDED.map(get));
  return {
    config: await config!.text(),
    model: new Uint8Array(await model!.arrayBuffer()),
    tokenizer: await tokenizer!.text(),
  };
}

/** Every file under a dropped folder (or the dropped files themselves), via the entries API. */
export async function filesOfDrop(items: DataTransferItemList): Promise<File[]> {
  const entries = [...items]
    .map((item) => item.webkitGetAsEntry?.())
    .filter((e): e is FileSystemEntry => Boolean(e));
  const out: File[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) =>
        (entry as FileSystemFileEntry).file(resolve, reject),
      );
      Object.defineProperty(file, 'webkitRelativePath', { value: `${prefix}${file.name}` });
      out.push(file);
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
          reader.readEntries(resolve, reject),
        );
        if (!batch.length) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  for (const entry of entries) await walk(entry, '');
  return out;
}
