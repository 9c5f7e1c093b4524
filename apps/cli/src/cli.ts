import { createProgram } from './program.js';

// Errors are printed as messages, not stack traces: they name what was wrong and what is allowed.
createProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${message}\n`);
    const code =
      (error as NodeJS.ErrnoException)?.code ?? ((error as Error)?.cause as NodeJS.ErrnoException)?.code;
    if (code === 'ENOSPC')
      process.stderr.write(
        'The disk is full. Free some space; a stopped run continues from its last checkpoint with `rl4vlm resume <run>`.\n',
      );
    if (process.env.RL4VLM_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  });
