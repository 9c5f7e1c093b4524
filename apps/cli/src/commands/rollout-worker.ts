import { type ChildProcess, fork } from 'node:child_process';
import { isTrainablePolicy } from '@rl4vlm/policy';
import {
  DEFAULT_QUEUE,
  type RedisConnectionOptions,
  redactRedisUrl,
  startRolloutWorker,
  type WorkerPolicy,
} from '@rl4vlm/rollout-redis';
import { makeTextEnvs, type TrainConfig } from '@rl4vlm/trainer';
import type { Command } from 'commander';
import { loadPlugins } from '../setup.js';
import { int } from './env-flags.js';

interface RolloutWorkerFlags {
  redis: string;
  workers: number;
  queue: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsInsecure?: boolean;
  lockSeconds: number;
  plugin?: string[];
  discover?: boolean;
  config?: string;
}

/** The Redis connection from the flags (the password from the URL or RL4VLM_REDIS_PASSWORD). */
export function connectionFromFlags(flags: RolloutWorkerFlags): RedisConnectionOptions {
  const tls =
    flags.tlsCa || flags.tlsCert || flags.tlsKey || flags.tlsInsecure
      ? { ca: flags.tlsCa, cert: flags.tlsCert, key: flags.tlsKey, rejectUnauthorized: !flags.tlsInsecure }
      : undefined;
  return { url: flags.redis, tls };
}

/** One worker in this process: builds envs and policies from each job's specs with the loaded plugins. */
async function runOneWorker(flags: RolloutWorkerFlags, print: (s: string) => void): Promise<void> {
  const registry = await loadPlugins(flags);
  const handle = await startRolloutWorker({
    connection: connectionFromFlags(flags),
    queue: flags.queue,
    lockDurationMs: flags.lockSeconds * 1000,
    stalledIntervalMs: Math.max(1000, (flags.lockSeconds * 1000) / 2),
    createPolicy: async (spec) => {
      const { id, options } = spec as { id: string; options?: Record<string, unknown> };
      const policy = await registry.policies.create(id, options ?? {});
      if (!isTrainablePolicy(policy))
        throw new Error(`Policy '${id}' is not trainable: a rollout worker loads published weights into it`);
      return policy as unknown as WorkerPolicy;
    },
    createEnvs: (spec, count) => makeTextEnvs(registry.envs, spec as TrainConfig['env'], count),
    log: print,
  });
  print(
    `rollout worker ${process.pid} on ${redactRedisUrl(flags.redis)}, queue ${flags.queue}: waiting for jobs`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      print(`rollout worker ${process.pid}: stopping after the current job`);
      void handle.close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/**
 * `rl4vlm rollout-worker --redis <url> [--workers N]`: N processes that take rollout jobs from the
 * queue. Generation is CPU/accelerator-bound, so N > 1 forks N processes (one job at a time each)
 * and forwards Ctrl-C/SIGTERM to them.
 */
export async function runRolloutWorkerCommand(
  flags: RolloutWorkerFlags,
  print: (s: string) => void = (s) => process.stderr.write(`${s}\n`),
): Promise<void> {
  if (!Number.isInteger(flags.workers) || flags.workers < 1)
    throw new Error(`--workers must be a positive integer, got ${flags.workers}`);
  if (flags.workers === 1) return runOneWorker(flags, print);
  const args = process.argv.slice(2).filter((a, i, all) => a !== '--workers' && all[i - 1] !== '--workers');
  const children: ChildProcess[] = Array.from({ length: flags.workers }, () =>
    fork(process.argv[1]!, [...args.filter((a) => !a.startsWith('--workers=')), '--workers', '1'], {
      stdio: 'inherit',
    }),
  );
  const forward = (signal: NodeJS.Signals) => () => {
    for (const c of children) if (c.exitCode === null) c.kill(signal);
  };
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  const codes = await Promise.all(
    children.map((c) => new Promise<number>((resolve) => c.on('exit', (code) => resolve(code ?? 1)))),
  );
  if (codes.some((c) => c !== 0)) throw new Error(`rollout workers exited with codes ${codes.join(', ')}`);
}

export function registerRolloutWorker(program: Command): void {
  program
    .command('rollout-worker')
    .description(
      'play rollout jobs from a Redis queue for learners on other machines (see "Train across machines")',
    )
    .requiredOption(
      '--redis <url>',
      'redis://[user@]host:port[/db] (rediss:// for TLS); password in RL4VLM_REDIS_PASSWORD',
    )
    .option('--workers <n>', 'worker processes on this machine (one job at a time each)', int, 1)
    .option('--queue <name>', "the learner's rollout.queue", DEFAULT_QUEUE)
    .option('--tls-ca <file>', 'PEM CA certificate for TLS')
    .option('--tls-cert <file>', 'PEM client certificate for TLS')
    .option('--tls-key <file>', 'PEM client key for TLS')
    .option('--tls-insecure', 'TLS without checking the server certificate (testing only)')
    .option(
      '--lock-seconds <s>',
      "a job's lock: a dead worker's job is taken over after this; must exceed one rollout step",
      int,
      30,
    )
    .option('-c, --config <file>', "load the plugins this config names (the learner's config)")
    .option('--plugin <pkg...>', 'load these plugin packages or paths too')
    .option('--discover', 'also load installed packages that declare "rl4vlm": {"plugin": ...}')
    .addHelpText(
      'after',
      `
Each job says which env and policy to build (the learner's env and policy config), which policy
version to load (published by the learner, checked by sha256) and which envs/seeds to play.

Examples:
  $ rl4vlm rollout-worker --redis redis://10.0.0.5:6379 --workers 2
  $ RL4VLM_REDIS_PASSWORD=… rl4vlm rollout-worker --redis rediss://redis.example.org:6380 --tls-ca ca.pem
  $ rl4vlm rollout-worker --redis redis://10.0.0.5:6379 --plugin rl4vlm-plugin-tic-tac-toe`,
    )
    .action(async (flags: RolloutWorkerFlags) => {
      await runRolloutWorkerCommand(flags);
    });
}
