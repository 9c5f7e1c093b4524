import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { createChatServer, listen } from '@rl4vlm/policy-openai';
import type { Command } from 'commander';
import { policyOnWorkers } from '../run/replicas.js';
import { findRun } from '../run/run-folder.js';
import { runPolicyId } from '../run/training.js';
import { loadPlugins } from '../setup.js';
import { int, workersOption } from './env-flags.js';

interface ServeFlags {
  host: string;
  port: number;
  token?: string;
  modelName?: string;
  maxBodyBytes: number;
  maxImagePixels: number;
  batchWindow: number;
  maxBatch: number;
  plugin?: string[];
  workers?: number;
}

/**
 * What `serve` was pointed at, as a policy id: a run folder (its newest checkpoint), a checkpoint
 * folder (`tfjs:<dir>`), or any policy id (`tfjs:tiny`, `random`).
 */
export function servedPolicyId(target: string): string {
  if (existsSync(path.join(target, 'config.json')) && existsSync(path.join(target, 'model.safetensors'))) {
    return `tfjs:${path.resolve(target)}`;
  }
  if (existsSync(path.join(target, 'policy', 'model.safetensors')))
    return `tfjs:${path.resolve(target, 'policy')}`;
  if (existsSync(target) || existsSync(path.join('runs', target))) {
    const run = findRun(target);
    const id = runPolicyId(run.dir);
    if (!id) throw new Error(`Run ${run.dir} has no checkpoint to serve yet`);
    return `tfjs:${path.resolve(id.slice('tfjs:'.length))}`;
  }
  if (target.includes(':') || !target.includes('/')) return target;
  throw new Error(
    `'${target}' is neither a run folder, a checkpoint folder nor a policy id such as tfjs:tiny`,
  );
}

/** The env a served run was trained on, for the `try:` hint (a run folder or a checkpoint inside one). */
function servedEnvId(target: string): string | undefined {
  for (let dir = path.resolve(target), i = 0; i < 5; i++, dir = path.dirname(dir)) {
    try {
      const config = JSON.parse(readFileSync(path.join(dir, 'rl4vlm.config.json'), 'utf8'));
      if (typeof config?.env?.id === 'string') return config.env.id;
    } catch {
      // not a run folder: look one level up
    }
  }
  return undefined;
}

const shellQuote = (s: string) => (/^[\w.:/@%+=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** `rl4vlm serve`: a policy behind the OpenAI-compatible chat-completions API. Resolves once listening. */
export async function startServe(
  target: string,
  flags: ServeFlags,
  print: (s: string) => void = console.log,
) {
  // Checked before the model loads: a bad port used to surface from Node's internals after it.
  if (!Number.isInteger(flags.port) || flags.port < 0 || flags.port > 65535)
    throw new Error(`--port ${flags.port} is not a port: use 0–65535 (0 picks a free one)`);
  const registry = await loadPlugins({ plugin: flags.plugin });
  const policyId = servedPolicyId(target);
  const created = await registry.policies.create(policyId, {});
  const onWorkers = await policyOnWorkers(
    registry,
    policyId,
    created,
    flags.workers ?? availableParallelism(),
  );
  const policy = onWorkers.policy;
  const token = flags.token ?? process.env.RL4VLM_SERVE_TOKEN;
  const modelName = flags.modelName ?? path.basename(target.replace(/\/+$/, ''));
  const server = createChatServer({
    policy,
    modelName,
    token,
    maxBodyBytes: flags.maxBodyBytes,
    maxImagePixels: flags.maxImagePixels,
    batchWindowMs: flags.batchWindow,
    maxBatch: flags.maxBatch,
  });
  const { url } = await listen(server, { host: flags.host, port: flags.port });
  print(
    `Serving ${policyId} as model '${modelName}' at ${url}${token ? ' (bearer token required)' : ''} on ${onWorkers.description}`,
  );
  const keyPrefix = !token
    ? ''
    : flags.token
      ? `OPENAI_API_KEY=${shellQuote(token)} `
      : 'OPENAI_API_KEY="$RL4VLM_SERVE_TOKEN" ';
  print(
    `  try: ${keyPrefix}rl4vlm eval --env ${servedEnvId(target) ?? 'gym-cards/NumberLine-v0'} --policy openai:${modelName} --set policy.options.baseURL=${url}`,
  );
  const close = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await onWorkers.close();
  };
  return { url, modelName, policyId, server, close };
}

export function registerServe(program: Command): void {
  program
    .command('serve <target>')
    .description(
      'serve a trained policy (a run, a checkpoint folder or a policy id) over the OpenAI-compatible chat-completions API',
    )
    .option('--host <host>', 'address to bind (use 0.0.0.0 to accept other machines)', '127.0.0.1')
    .option('-p, --port <port>', 'port', int, 8000)
    .option('--token <token>', 'require Authorization: Bearer <token> (default: RL4VLM_SERVE_TOKEN)')
    .option('--model-name <name>', 'the model name clients use (default: the folder name)')
    .option('--max-body-bytes <n>', 'largest request body (413 above)', int, 8 * 1024 * 1024)
    .option('--max-image-pixels <n>', 'largest image in pixels (413 above)', int, 1024 * 1024)
    .option('--batch-window <ms>', 'wait this long to batch concurrent requests', int, 5)
    .option('--max-batch <n>', 'most prompts per batched generation', int, 32)
    .option('--plugin <pkg...>', 'load these policy plugins too')
    .addOption(workersOption())
    .addHelpText(
      'after',
      `
Examples:
  $ rl4vlm serve runs/numberline                        # the run's newest checkpoint on http://127.0.0.1:8000/v1
  $ rl4vlm serve runs/numberline/checkpoints/update-000006/policy --port 9000 --token s3cret
  $ curl http://127.0.0.1:8000/v1/models`,
    )
    .action(async (target: string, flags: ServeFlags) => {
      const { close } = await startServe(target, flags);
      const stop = () => {
        void close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
