import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { readRunConfig } from '../run/run-folder.js';
import { int } from './env-flags.js';
import { servedPolicyId } from './serve.js';

interface WebFlags {
  port: number;
  app?: string;
  open: boolean;
  runsDir: string;
}

/** The files of a checkpoint the page may fetch; nothing else of the run is served. */
const CHECKPOINT_FILES = ['config.json', 'model.safetensors', 'tokenizer.json'];

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
  '.safetensors': 'application/octet-stream',
};

/**
 * The built playground (`apps/web/dist`): `--app`, else `RL4VLM_WEB_DIR`, else the workspace's
 * `apps/web/dist` beside this app. An error says how to build it.
 */
export function findWebApp(app?: string): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = app
    ? [path.resolve(app)]
    : [
        ...(process.env.RL4VLM_WEB_DIR ? [path.resolve(process.env.RL4VLM_WEB_DIR)] : []),
        // dist/cli.js and src/commands/web.ts are one and two folders below apps/cli.
        path.resolve(here, '../../web/dist'),
        path.resolve(here, '../../../web/dist'),
      ];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
  if (!found) {
    throw new Error(
      `The web playground is not built (no index.html in ${candidates.join(', ')}): run \`pnpm --filter web build\`, or pass --app <folder of the built app>`,
    );
  }
  return found;
}

/** What the page is opened with for a run or checkpoint folder: the checkpoint and the run's env. */
export interface WebTarget {
  checkpointDir: string;
  envId?: string;
  maxNewTokens?: number;
}

/** Resolves `rl4vlm web <target>`: a run (its newest checkpoint) or a checkpoint folder. */
export function webTarget(target: string, runsDir: string): WebTarget {
  const ref =
    !existsSync(target) && existsSync(path.join(runsDir, target)) ? path.join(runsDir, target) : target;
  const id = servedPolicyId(ref);
  if (!id.startsWith('tfjs:') || !existsSync(id.slice('tfjs:'.length))) {
    throw new Error(
      `'${target}' is neither a run folder nor a checkpoint folder (config.json, model.safetensors, tokenizer.json)`,
    );
  }
  const checkpointDir = id.slice('tfjs:'.length);
  let envId: string | undefined;
  let maxNewTokens: number | undefined;
  try {
    const config = readRunConfig(ref) as {
      env?: { id?: string };
      eval?: { maxNewTokens?: number };
      ppo?: { generate?: { maxNewTokens?: number } };
    };
    envId = config.env?.id;
    maxNewTokens = config.eval?.maxNewTokens ?? config.ppo?.generate?.maxNewTokens;
  } catch {
    // A bare checkpoint folder: no run config, the page keeps its defaults.
  }
  return { checkpointDir, envId, maxNewTokens };
}

/** A static server for the built app, plus the checkpoint's three files under `/checkpoint/`. */
export function createWebServer(appDir: string, checkpointDir?: string): Server {
  const root = path.resolve(appDir);
  return createServer((request, response) => {
    const send = (status: number, body: string | Buffer, type = 'text/plain; charset=utf-8') => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'Only GET\n');
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    } catch {
      return send(400, 'Bad URL\n');
    }
    let file: string;
    if (pathname.startsWith('/checkpoint/')) {
      const name = pathname.slice('/checkpoint/'.length);
      if (!checkpointDir || !CHECKPOINT_FILES.includes(name)) return send(404, 'Not found\n');
      file = path.join(checkpointDir, name);
    } else {
      file = path.join(root, pathname.endsWith('/') ? `${pathname}index.html` : pathname);
      if (file !== root && !file.startsWith(`${root}${path.sep}`)) return send(403, 'Forbidden\n');
    }
    if (!existsSync(file) || !statSync(file).isFile()) return send(404, 'Not found\n');
    send(200, readFileSync(file), CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream');
  });
}

/** Opens `url` in the desktop's browser; failing to is not an error (the URL is printed). */
function openBrowser(url: string): void {
  const command =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // no desktop here
  }
}

/** `rl4vlm web [target]`: serves the playground on loopback. Resolves once listening. */
export async function startWeb(
  target: string | undefined,
  flags: WebFlags,
  print: (s: string) => void = console.log,
) {
  const appDir = findWebApp(flags.app);
  const run = target ? webTarget(target, flags.runsDir) : undefined;
  const server = createWebServer(appDir, run?.checkpointDir);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${flags.port} on 127.0.0.1 is in use: pass --port <n> (0 picks a free one)`)
          : error,
      ),
    );
    server.listen(flags.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const query = new URLSearchParams();
  if (run) {
    query.set('checkpoint', 'checkpoint/');
    query.set('player', 'model');
    if (run.envId) query.set('env', run.envId);
    if (run.maxNewTokens) query.set('maxNewTokens', String(run.maxNewTokens));
  }
  const url = `http://127.0.0.1:${port}/${query.size ? `?${query}` : ''}`;
  print(`Playground: ${url}${run ? `\n  checkpoint: ${run.checkpointDir}` : ''}\n  (Ctrl-C stops it)`);
  if (flags.open) openBrowser(url);
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { url, server, close };
}

export function registerWeb(program: Command): void {
  program
    .command('web [run]')
    .description(
      "serve the web playground on loopback and open it, with a run's newest checkpoint (or a checkpoint folder) preloaded",
    )
    .option('-p, --port <port>', 'port (0: any free port)', int, 5178)
    .option('--app <dir>', 'the built playground (default: apps/web/dist of this workspace)')
    .option('--runs-dir <dir>', 'where to look for <run> by name', 'runs')
    .option('--no-open', 'print the URL only; do not open a browser')
    .addHelpText(
      'after',
      `
The page runs everything itself (envs, oracle, the tfjs model); the server only hands out the
built files and the checkpoint's config.json, model.safetensors and tokenizer.json.

Examples:
  $ pnpm --filter web build && rl4vlm web                 # play the envs, drop a checkpoint on the page
  $ rl4vlm web runs/numberline                            # the run's newest checkpoint, preloaded
  $ rl4vlm web runs/numberline/checkpoints/update-000006/policy --port 8080 --no-open`,
    )
    .action(async (target: string | undefined, flags: WebFlags) => {
      const { close } = await startWeb(target, flags);
      const stop = () => {
        void close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
