// Rollout steps/s with 1, 2, 3 rollout-worker processes on Redis (BullMQ), against the same
// rollout played in the learner's process, and the learner's idle share (time waiting for
// workers / wall time of the run). A real redis-server on a loopback port; workers are the CLI's
// `rl4vlm rollout-worker`; the policy is tfjs:tiny on gym-cards/NumberLine-v0.
// Run after `pnpm build`:
//   node apps/cli/bench/rollout-workers.mjs [--envs 6] [--steps 4] [--updates 3] [--tokens 24] [--workers 1,2,3]
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { RedisRollouts } from '@rl4vlm/rollout-redis';
import { makeTextEnvs, runPpo } from '@rl4vlm/trainer';
import { createPluginRegistry } from '../dist/index.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const numEnvs = Number(arg('envs', 6));
const steps = Number(arg('steps', 4));
const updates = Number(arg('updates', 3));
const tokens = Number(arg('tokens', 24));
const workerCounts = arg('workers', '1,2,3').split(',').map(Number);
const BIN = path.resolve(import.meta.dirname, '../bin/rl4vlm.js');

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const port = await freePort();
const redis = spawn(
  'redis-server',
  [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    mkdtempSync(path.join(tmpdir(), 'bench-redis-')),
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
await new Promise((resolve, reject) => {
  redis.stdout.on('data', (d) => d.toString().includes('Ready to accept') && resolve());
  redis.on('exit', (c) => reject(new Error(`redis-server exited ${c}`)));
});
const url = `redis://127.0.0.1:${port}`;

const registry = await createPluginRegistry();
const env = { id: 'gym-cards/NumberLine-v0', kwargs: {}, text: { cot: true } };
const policySpec = { id: 'tfjs:tiny', options: { seed: 1 } };
// One epoch of one minibatch: the update is short, as with a learner on a faster device than its workers.
const config = {
  numUpdates: updates,
  stepsPerEnv: steps,
  epochs: 1,
  miniBatchSize: numEnvs * steps,
  generate: { maxNewTokens: tokens },
};

async function run(collect) {
  const policy = await registry.policies.create(policySpec.id, policySpec.options);
  const envs = makeTextEnvs(registry.envs, { ...env, text: env.text }, numEnvs);
  const t0 = performance.now();
  const r = await runPpo({ policy, envs, config, seed: 1, collect, log: () => {} });
  return { wall: (performance.now() - t0) / 1000, metrics: r.metrics };
}

const rows = [];
// Update 0 is a warm-up (workers build the policy, tfjs compiles): the figures use updates 1…
const measured = (xs) => xs.slice(1);
const local = await run(undefined);
const localRollout = measured(local.metrics).reduce((a, m) => a + m.rolloutSeconds, 0);
rows.push(['in-process (no Redis)', (numEnvs * steps * (updates - 1)) / localRollout, '—', '—']);

for (const k of workerCounts) {
  const queue = `bench-${k}`;
  const w = spawn(
    process.execPath,
    [BIN, 'rollout-worker', '--redis', url, '--queue', queue, '--workers', String(k)],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  await new Promise((resolve) => {
    w.stderr.on('data', (d) => {
      log += d;
      if ((log.match(/waiting for jobs/g) ?? []).length >= k) resolve();
    });
  });
  const rollouts = new RedisRollouts({
    connection: { url },
    queue,
    env,
    policy: policySpec,
    jobsPerUpdate: numEnvs,
    pollMs: 50,
    log: () => {},
  });
  const t0 = performance.now();
  const r = await run(rollouts.collect);
  const stats = measured(rollouts.stats);
  const collectSeconds = stats.reduce((a, s) => a + s.seconds, 0);
  const waitSeconds = stats.reduce((a, s) => a + s.waitSeconds, 0);
  const wallMeasured =
    (performance.now() - t0) / 1000 - rollouts.stats[0].seconds - r.metrics[0].updateSeconds;
  rows.push([
    `${k} worker process${k > 1 ? 'es' : ''}`,
    (numEnvs * steps * (updates - 1)) / collectSeconds,
    `${((100 * waitSeconds) / wallMeasured).toFixed(0)}%`,
    stats.map((s) => s.workers.length).join('/'),
  ]);
  await rollouts.close();
  w.kill('SIGTERM');
  await new Promise((resolve) => w.on('exit', resolve));
}
redis.kill('SIGTERM');

console.log(
  `\n${cpus()[0]?.model} × ${cpus().length}; tfjs:tiny on NumberLine, ${numEnvs} envs × ${steps} steps, ${tokens} new tokens, ${updates - 1} measured updates (+1 warm-up)\n`,
);
console.log('| rollouts | env steps/s | learner idle | workers used per update |');
console.log('| --- | --- | --- | --- |');
for (const [name, sps, idle, used] of rows)
  console.log(`| ${name} | ${sps.toFixed(2)} | ${idle} | ${used} |`);
