import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CHECKPOINT_FILE_NAMES, type CheckpointFiles } from './checkpoint-format.js';

/** True when `dir` exists (a checkpoint folder is then expected there). Node only. */
export function pathExists(dir: string): boolean {
  return existsSync(dir);
}

/** Reads a checkpoint folder; a missing file is an error naming it and what a checkpoint holds. */
export async function readCheckpointFiles(dir: string): Promise<CheckpointFiles> {
  const read = async <T>(name: string, how: (file: string) => Promise<T>): Promise<T> => {
    try {
      return await how(path.join(dir, name));
    } catch {
      throw new Error(
        `No checkpoint at ${dir}: ${name} is missing (expected config.json, model.safetensors, tokenizer.json)`,
      );
    }
  };
  const config = await read(CHECKPOINT_FILE_NAMES.config, (f) => readFile(f, 'utf8'));
  const model = await read(CHECKPOINT_FILE_NAMES.model, (f) => readFile(f));
  const tokenizer = await read(CHECKPOINT_FILE_NAMES.tokenizer, (f) => readFile(f, 'utf8'));
  return { config, model, tokenizer };
}

/** Writes the three files of a checkpoint into `dir` (created when missing). Node only. */
export async function writeCheckpointFiles(dir: string, files: CheckpointFiles): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, CHECKPOINT_FILE_NAMES.model), files.model);
  await writeFile(path.join(dir, CHECKPOINT_FILE_NAMES.config), files.config);
  await writeFile(path.join(dir, CHECKPOINT_FILE_NAMES.tokenizer), files.tokenizer);
}
