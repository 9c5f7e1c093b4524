import type { InvalidReplyPolicy } from '@rl4vlm/env';
import { createEnvServer, type EnvServer } from '@rl4vlm/env-server';
import type { Command } from 'commander';
import { ENV_TOKEN_VARIABLE } from '../plugins/remote-env.js';
import { loadPlugins } from '../setup.js';
import { int } from './env-flags.js';

interface EnvServeFlags {
  env: string;
  plugin?: string[];
  discover?: boolean;
  host: string;
  port: number;
  maxSessions: number;
  idleTimeout: number;
  maxMessageBytes: number;
  token?: string;
  kwargs?: string;
  text?: string;
  onInvalid: string;
}

function jsonFlag(name: string, value: string | undefined): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error(`--${name} must be a JSON object, e.g. --${name} '{"cot": false}'; got ${value}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`--${name} must be a JSON object, got ${value}`);
  return parsed as Record<string, unknown>;
}

/** `random`, `noop` or `penalty:<reward>` as an {@link InvalidReplyPolicy}. */
export function parseOnInvalid(value: string): InvalidReplyPolicy {
  if (value === 'random' || value === 'noop') return { kind: value };
  const penalty = /^penalty:(-?\d+(?:\.\d+)?)$/.exec(value);
  if (penalty) return { kind: 'penalty', penalty: Number(penalty[1]) };
  throw new Error(`--on-invalid must be random, noop or penalty:<reward> (e.g. penalty:-1), got '${value}'`);
}

/** `rl4vlm env-serve`: a registered env over OpenEnv's WebSocket protocol. Resolves once listening. */
export async function startEnvServe(
  flags: EnvServeFlags,
  print: (s: string) => void = console.log,
): Promise<EnvServer> {
  const registry = await loadPlugins({ plugin: flags.plugin, discover: flags.discover });
  // The token is read, never printed: logs say only whether one is required.
  const token = flags.token ?? process.env[ENV_TOKEN_VARIABLE];
  const server = await createEnvServer({
    envId: flags.env,
    registry: registry.envs,
    kwargs: jsonFlag('kwargs', flags.kwargs),
    text: jsonFlag('text', flags.text),
    onInvalid: parseOnInvalid(flags.onInvalid),
    host: flags.host,
    port: flags.port,
    maxSessions: flags.maxSessions,
    idleTimeoutS: flags.idleTimeout,
    maxMessageBytes: flags.maxMessageBytes,
    token: token || undefined,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const base = server.wsUrl.replace(/\/ws$/, '');
  print(
    `Serving ${flags.env} at ${server.wsUrl} (up to ${flags.maxSessions} sessions${token ? '; bearer token required' : ''})`,
  );
  print(`  health: ${server.url}/health   schema: ${server.url}/schema`);
  print(`  train on it: rl4vlm train --env remote:${base}`);
  return server;
}

export function registerEnvServe(program: Command): void {
  program
    .command('env-serve')
    .description(
      "serve a registered env over OpenEnv's WebSocket protocol (/ws), for Python trainers or rl4vlm runs on other machines",
    )
    .requiredOption('-e, --env <id>', 'env id, e.g. gym-cards/NumberLine-v0')
    .option('--plugin <pkg...>', 'load these plugin packages or paths too')
    .option('--discover', 'also load installed packages that declare "rl4vlm": {"plugin": ...}')
    .option(
      '--host <host>',
      'address to bind (0.0.0.0 accepts other machines; pair it with --token)',
      '127.0.0.1',
    )
    .option('-p, --port <port>', 'port (0 picks a free one)', int, 8000)
    .option('--max-sessions <n>', 'concurrent sessions, one env each; one more gets HTTP 503', int, 64)
    .option('--idle-timeout <s>', 'close a session silent this many seconds (0: never)', Number, 300)
    .option(
      '--max-message-bytes <n>',
      'largest message accepted (larger closes the socket, 1009)',
      int,
      1 << 20,
    )
    .option('--token <token>', `require Authorization: Bearer <token> (default: ${ENV_TOKEN_VARIABLE})`)
    .option('--kwargs <json>', "the env's keyword arguments, e.g. '{\"maxPosition\": 5}'")
    .option('--text <json>', 'text-layer options, e.g. \'{"cot": false}\' (default {"cot": true})')
    .option(
      '--on-invalid <policy>',
      'a reply that does not parse: random (the paper), noop or penalty:<r>',
      'random',
    )
    .addHelpText(
      'after',
      `
Protocol: OpenEnv's. Connect to ws://host:port/ws and send {"type":"reset","data":{"seed":1}},
{"type":"step","data":{"reply":"<model text>"}} or {"type":"step","data":{"action":"+"}},
{"type":"state"}, {"type":"close"}. GET /health, /metadata, /schema describe the server.

Examples:
  $ rl4vlm env-serve --env gym-cards/NumberLine-v0 --port 8000
  $ RL4VLM_ENV_TOKEN=s3cret rl4vlm env-serve --env gym-cards/Blackjack-v0 --host 0.0.0.0
  $ rl4vlm eval --env remote:ws://10.0.0.5:8000,ws://10.0.0.6:8000 --policy random`,
    )
    .action(async (flags: EnvServeFlags) => {
      const server = await startEnvServe(flags);
      const stop = () => {
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
