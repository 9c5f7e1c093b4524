import type {
  pathExists as nodePathExists,
  readCheckpointFiles as nodeRead,
  writeCheckpointFiles as nodeWrite,
} from './checkpoint-files.js';

/**
 * The browser twin of `checkpoint-files.ts`: a page has no folders, so checkpoints come in as
 * files (`TfjsPolicy.fromFiles`) and go out as bytes.
 */
const noFolders = (what: string) =>
  new Error(
    `${what} reads or writes a checkpoint folder, which needs Node; in the browser use TfjsPolicy.fromFiles({ config, model, tokenizer }) with the files' contents`,
  );

export const pathExists: typeof nodePathExists = () => false;
export const readCheckpointFiles: typeof nodeRead = async (dir) => {
  throw noFolders(`Loading ${dir}`);
};
export const writeCheckpointFiles: typeof nodeWrite = async (dir) => {
  throw noFolders(`Saving to ${dir}`);
};
