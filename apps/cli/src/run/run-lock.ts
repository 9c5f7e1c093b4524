import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

/** The lock file a live `train`/`resume` keeps in its run folder. */
export const LOCK_FILE = 'run.lock';

/** What the lock file holds: enough to tell whether its owner still runs, and to say who it is. */
export interface RunLockOwner {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

/** The run folder is held by another live process. */
export class RunLockedError extends Error {
  constructor(
    readonly runDir: string,
    readonly owner: RunLockOwner,
    advice: string,
  ) {
    super(
      `Run folder ${runDir} is in use by pid ${owner.pid} on ${owner.host} since ${owner.startedAt} (${owner.command}). ${advice}`,
    );
    this.name = 'RunLockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}

function readOwner(file: string): RunLockOwner | undefined {
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as RunLockOwner;
    return typeof o.pid === 'number' && typeof o.host === 'string' ? o : undefined;
  } catch {
    return undefined; // torn by a kill between create and write
  }
}

/**
 * Takes the run folder's lock, so two trainers never write one folder. A lock left by a process
 * that is gone (same host, pid not running, or a torn lock file) is taken over, and `warn` says
 * so. A live owner, or one on another host that cannot be checked, is a {@link RunLockedError}.
 *
 * @returns `release`, which removes the lock if it is still ours (also run at process exit).
 */
export function acquireRunLock(
  runDir: string,
  { warn = (m: string) => process.stderr.write(`${m}\n`) }: { warn?: (message: string) => void } = {},
): () => void {
  const file = path.join(runDir, LOCK_FILE);
  const me: RunLockOwner = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    command: ['rl4vlm', ...process.argv.slice(2)].join(' '),
  };
  const data = `${JSON.stringify(me, null, 2)}\n`;
  try {
    writeFileSync(file, data, { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const owner = readOwner(file);
    if (owner && owner.host !== me.host)
      throw new RunLockedError(
        runDir,
        owner,
        `This machine (${me.host}) cannot check whether it still runs; if it does not, delete ${file} and try again.`,
      );
    if (owner && isAlive(owner.pid))
      throw new RunLockedError(
        runDir,
        owner,
        'Wait for it to finish, or stop it (Ctrl-C writes a checkpoint) and resume.',
      );
    warn(
      owner
        ? `Taking over the lock of ${runDir}: pid ${owner.pid} (started ${owner.startedAt}, ${owner.command}) is no longer running`
        : `Taking over the lock of ${runDir}: ${file} was unreadable (its writer was killed)`,
    );
    writeFileSync(file, data);
  }
  // Two processes taking over the same stale lock at once: the one whose write landed last wins.
  if (readOwner(file)?.pid !== me.pid) {
    const owner = readOwner(file)!;
    throw new RunLockedError(runDir, owner, 'It took this stale lock over a moment ago.');
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      if (readOwner(file)?.pid === me.pid) unlinkSync(file);
    } catch {
      // the folder is gone (e.g. removed by the user): nothing to release
    }
  };
  process.on('exit', release);
  return release;
}
