/**
 * The three files of a checkpoint, as read from a folder or handed over by a page
 * (`config.json` and `tokenizer.json` as text, `model.safetensors` as bytes).
 */
export interface CheckpointFiles {
  config: string;
  model: Uint8Array;
  tokenizer: string;
}

/** The file names of a checkpoint folder. */
export const CHECKPOINT_FILE_NAMES = {
  config: 'config.json',
  model: 'model.safetensors',
  tokenizer: 'tokenizer.json',
} as const;
