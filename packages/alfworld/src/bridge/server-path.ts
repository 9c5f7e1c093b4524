import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The sidecar script shipped in the package's `python/` folder, found from this module's location. */
export function defaultServerPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  // From dist/ it is one folder up; from src/bridge/ (tests) two.
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'python', 'alfworld_server.py');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(
    `Cannot find python/alfworld_server.py above ${dirname(fileURLToPath(import.meta.url))}; pass serverPath`,
  );
}
