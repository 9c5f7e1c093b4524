import { execFileSync } from 'node:child_process';

/**
 * The real interpreter behind `python3`, resolved once: version-manager shims (pyenv) add ~2 s
 * to every start, and these tests start many sidecars.
 */
export const PYTHON: string = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
  encoding: 'utf8',
}).trim();
