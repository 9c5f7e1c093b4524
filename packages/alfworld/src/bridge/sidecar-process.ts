import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import {
  AlfworldNotInstalledError,
  PythonNotFoundError,
  SidecarCrashError,
  SidecarError,
  type SidecarErrorCode,
  SidecarTimeoutError,
} from './errors.js';
import { PROTOCOL_VERSION, type ServerMessage, type WireError } from './protocol.js';

/** How to start a sidecar. */
export interface SidecarProcessOptions {
  /** The Python interpreter. */
  python: string;
  /** Path of `alfworld_server.py`. */
  serverPath: string;
  /** Extra arguments for the server (`--backend fake`, …). */
  args?: string[];
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Deadline for the `ready` event after spawning. */
  startupTimeoutMs: number;
  /** Called with each stderr line and each stdout line that is not protocol. */
  onLog?: (line: string) => void;
}

const STDERR_TAIL_BYTES = 8192;

/**
 * One sidecar process speaking JSON lines: spawns it, waits for `ready`, sends one request at a
 * time with a deadline, and turns every failure into a {@link SidecarError}: a missing
 * interpreter, an exit, a deadline passed (the process is then killed), or an error reply.
 */
export class SidecarProcess {
  readonly options: SidecarProcessOptions;
  private child?: ChildProcessWithoutNullStreams;
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private queue: Promise<unknown> = Promise.resolve();
  private stderrTail = '';
  private exited?: { code: number | null; signal: NodeJS.Signals | null };
  private exitPromise?: Promise<void>;
  private resolveExit?: () => void;
  private startError?: Error;

  constructor(options: SidecarProcessOptions) {
    this.options = options;
  }

  /** The process id, once spawned. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** True while the process runs. */
  get alive(): boolean {
    return this.child !== undefined && this.exited === undefined;
  }

  /** Spawns the process and waits for its `ready` event. */
  async start(): Promise<void> {
    const { python, serverPath, args = [], env = {}, startupTimeoutMs } = this.options;
    let ready!: () => void;
    let fail!: (e: Error) => void;
    const readyPromise = new Promise<void>((resolve, reject) => {
      ready = resolve;
      fail = reject;
    });
    const child = spawn(python, ['-u', serverPath, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8', ...env },
    });
    this.child = child;
    // The sidecar must not keep Node alive on its own; pending requests hold timers that do.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr] as unknown as { unref?: () => void }[])
      stream.unref?.();
    child.stdin.on('error', () => {
      // EPIPE after the process died: reported through 'exit'.
    });
    this.exitPromise = new Promise((resolve) => {
      this.resolveExit = resolve;
      child.on('exit', (code, signal) => {
        this.exited = { code, signal };
        const why = signal ? `on signal ${signal}` : `with code ${code}`;
        const error = new SidecarCrashError(why, this.stderrTail.trim() || undefined);
        fail(error);
        for (const { reject } of this.pending.values()) reject(error);
        this.pending.clear();
        resolve();
      });
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      const e =
        error.code === 'ENOENT' || error.code === 'EACCES'
          ? new PythonNotFoundError(python, `spawn ${error.code}`)
          : error;
      this.startError = e;
      this.exited ??= { code: null, signal: null };
      fail(e);
      for (const { reject } of this.pending.values()) reject(e);
      this.pending.clear();
      // A process that never started emits no 'exit'.
      if (!child.pid) this.resolveExit?.();
    });
    child.stderr.setEncoding('utf8');
    createInterface({ input: child.stderr }).on('line', (line) => {
      this.stderrTail = (this.stderrTail + line + '\n').slice(-STDERR_TAIL_BYTES);
      this.options.onLog?.(line);
    });
    createInterface({ input: child.stdout }).on('line', (line) => this.onLine(line, ready, fail));

    const timer = setTimeout(() => {
      fail(
        new SidecarTimeoutError(
          'startup (ready event)',
          startupTimeoutMs,
          this.stderrTail.trim() || undefined,
        ),
      );
      this.kill();
    }, startupTimeoutMs);
    try {
      await readyPromise;
    } finally {
      clearTimeout(timer);
    }
  }

  private onLine(line: string, ready: () => void, fail: (e: Error) => void): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(line);
      if (typeof message !== 'object' || message === null) throw new Error('not an object');
    } catch {
      // alfworld or a library printed to the real stdout: not ours, skip it.
      this.options.onLog?.(`[stdout, not protocol] ${line}`);
      return;
    }
    if ('event' in message) {
      if (message.event === 'ready') {
        if (message.protocol !== PROTOCOL_VERSION) {
          fail(
            new SidecarError(
              'PROTOCOL',
              `sidecar speaks protocol ${message.protocol}, this client ${PROTOCOL_VERSION}`,
            ),
          );
        } else ready();
      } else if (message.event === 'fatal') {
        fail(this.toError(message.error));
      } else if (message.event === 'log') {
        this.options.onLog?.(message.message);
      }
      return;
    }
    const waiter = message.id === null ? undefined : this.pending.get(message.id);
    if (!waiter) {
      this.options.onLog?.(`[unmatched reply] ${line}`);
      return;
    }
    this.pending.delete(message.id!);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(this.toError(message.error));
  }

  private toError(error: WireError): SidecarError {
    if (error.code === 'DEPENDENCY_MISSING')
      return new AlfworldNotInstalledError(this.options.python, error.message);
    return new SidecarError(
      error.code as SidecarErrorCode,
      `ALFWorld sidecar: ${error.code}: ${error.message}`,
      {
        retryable: error.retryable,
        details: error.traceback,
      },
    );
  }

  /** Sends one request and waits for its reply; past `timeoutMs` the process is killed. Requests queue. */
  request<T>(op: string, payload: Record<string, unknown>, timeoutMs: number): Promise<T> {
    const run = () => this.send<T>(op, payload, timeoutMs);
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private send<T>(op: string, payload: Record<string, unknown>, timeoutMs: number): Promise<T> {
    if (this.startError) return Promise.reject(this.startError);
    if (!this.alive)
      return Promise.reject(
        new SidecarCrashError('before the request was sent', this.stderrTail.trim() || undefined),
      );
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SidecarTimeoutError(op, timeoutMs, this.stderrTail.trim() || undefined));
        this.kill();
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child!.stdin.write(`${JSON.stringify({ v: PROTOCOL_VERSION, id, op, ...payload })}\n`);
    });
  }

  /** Kills the process at once (SIGKILL) and waits for it to exit. */
  async kill(): Promise<void> {
    if (this.child && !this.exited) {
      // The child is unref'd; while we wait for its exit it must hold Node open, or a caller that
      // awaits this (a failed start reporting its error) sees the process end with nothing said.
      this.child.ref();
      this.child.kill('SIGKILL');
    }
    await this.exitPromise;
  }

  /** Asks the process to close, waits up to `timeoutMs`, then kills it. Safe to call twice. */
  async close(timeoutMs: number): Promise<void> {
    if (!this.child || this.exited) return;
    this.child.ref(); // held open until it exits, as in kill()
    try {
      await this.request('close', {}, timeoutMs);
    } catch {
      // A sidecar that cannot close cleanly is killed below.
    }
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), timeoutMs);
    await this.exitPromise;
    clearTimeout(timer);
  }
}
