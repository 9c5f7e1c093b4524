/**
 * A real `redis-server` on a loopback port for the tests (Debian's package; no docker). Started
 * without persistence, so a restart loses every key — the hardest case for the learner.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The redis-server binary, or null when it is not installed. */
export function findRedisServer(): string | null {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** One `redis-server` process; `down()` SIGKILLs it and `up()` starts it again on the same port. */
export class RedisServer {
  private proc: ChildProcess | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'rl4vlm-redis-'));
  private constructor(
    private readonly bin: string,
    readonly port: number,
    private readonly password?: string,
  ) {}

  /** Starts a server on a free loopback port; with `password`, clients must authenticate. */
  static async start(bin: string, options: { password?: string } = {}): Promise<RedisServer> {
    const s = new RedisServer(bin, await freePort(), options.password);
    await s.up();
    return s;
  }

  /** The `redis://` URL to connect to (with the password, when there is one). */
  get url(): string {
    return `redis://${this.password ? `:${this.password}@` : ''}127.0.0.1:${this.port}`;
  }

  /** Starts the process; resolves once it accepts connections, rejects if it exits first. */
  async up(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    args.push('--dir', this.dir, '--protected-mode', 'yes');
    if (this.password) args.push('--requirepass', this.password);
    const p = spawn(this.bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = p;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const onData = (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) resolve();
      };
      p.stdout!.on('data', onData);
      p.stderr!.on('data', onData);
      p.on('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
    });
  }

  /** SIGKILLs the process (no clean shutdown, nothing saved) and waits for it to exit. */
  async down(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    this.proc = null;
    await new Promise<void>((resolve) => {
      p.on('exit', () => resolve());
      p.kill('SIGKILL');
    });
  }
}
