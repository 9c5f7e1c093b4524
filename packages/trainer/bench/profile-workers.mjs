// Where the time of a step goes with 1 and N workers, after `pnpm build`:
// `node bench/profile-workers.mjs [--workers 1,2] [--batch 8] [--chunk 4] [--tokens 48] [--only sft,eval,ppo]`.
// Per SFT step and per evaluation batch: wall and CPU time (all threads), the wall time of each
// replicas call and of the main thread's optimizer pieces, and each worker's own handler time
// (`WorkerPool.busyMs`); what is left of the wall time is messages and waiting.
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { EnvRegistry, TextEnv } from '@rl4vlm/env';
import { createOracle, registerGymCards } from '@rl4vlm/gym-cards';
import { OraclePolicy } from '@rl4vlm/policy';
import { TfjsPolicy } from '@rl4vlm/policy-tfjs';
import {
  Adam,
  buildOracleDataset,
  evaluate,
  GradientAccumulator,
  ReplicatedPolicy,
  runPpo,
  runSft,
  startReplicas,
} from '../dist/index.js';

const { values: args } = parseArgs({
  options: {
    workers: { type: 'string', default: '1,2' },
    rounds: { type: 'string', default: '1' },
    chunk: { type: 'string', default: '4' },
    batch: { type: 'string', default: '8' },
    tokens: { type: 'string', default: '48' },
    episodes: { type: 'string', default: '12' },
    only: { type: 'string', default: 'sft,eval,ppo' },
  },
});
const counts = args.workers.split(',').map(Number);
const only = new Set(args.only.split(','));
const ENV = 'gym-cards/NumberLine-v0';
const envs = new EnvRegistry();
registerGymCards({ registry: envs });
const text = envs.spec(ENV).text;
const makeEnvs = (n) => Array.from({ length: n }, () => new TextEnv(envs.make(ENV), text({ cot: true })));
const oracle = createOracle(ENV);
const examples = await buildOracleDataset({
  env: makeEnvs(1)[0],
  teacher: new OraclePolicy((_p, info) => oracle.reply(info, { cot: true })),
  episodes: Number(args.episodes),
  seed: 1,
});

const T = new Map();
const add = (k, ms) => T.set(k, (T.get(k) ?? 0) + ms);
function timeMethod(obj, name, key) {
  const orig = obj[name];
  obj[name] = function (...a) {
    const t = performance.now();
    const r = orig.apply(this, a);
    if (r && typeof r.then === 'function') return r.finally(() => add(key, performance.now() - t));
    add(key, performance.now() - t);
    return r;
  };
}
timeMethod(Adam.prototype, 'apply', 'main adam');
timeMethod(GradientAccumulator.prototype, 'add', 'main accum.add');
timeMethod(GradientAccumulator.prototype, 'take', 'main accum.take(norm)');

async function measure(workers) {
  const policy = await TfjsPolicy.create('tiny');
  const replicas = await startReplicas({
    workers,
    policy,
    policyModules: [import.meta.resolve('@rl4vlm/policy-tfjs')],
    policyId: 'tfjs:tiny',
  });
  console.log('  ' + replicas.description);
  for (const m of ['gradients', 'syncWeights', 'generate', 'score'])
    timeMethod(replicas, m, `pool.${m} (wall)`);
  let cpu0 = process.cpuUsage();
  const report = (label, t0, units) => {
    const wall = performance.now() - t0;
    const c = process.cpuUsage(cpu0);
    cpu0 = process.cpuUsage();
    const lines = [
      `  ${label}: ${(wall / units).toFixed(1)} ms wall, ${((c.user + c.system) / 1000 / units).toFixed(1)} ms CPU (all threads) per unit (${units} units)`,
    ];
    for (const [k, v] of [...T].sort()) lines.push(`    ${k.padEnd(28)} ${(v / units).toFixed(1)} ms`);
    if (replicas.busyMs)
      for (const [k, v] of [...replicas.busyMs].sort())
        lines.push(`    worker ${k.padEnd(21)} ${(v / units).toFixed(1)} ms`);
    console.log(lines.join('\n'));
    T.clear();
    replicas.busyMs?.clear();
  };
  try {
    // warm-up: one short SFT epoch on a few examples, one short eval
    await runSft({
      policy,
      examples: examples.slice(0, Number(args.batch)),
      config: { epochs: 1, batchSize: Number(args.batch), chunkSize: Number(args.chunk), evalFraction: 0 },
      replicas,
      log: () => {},
    });
    T.clear();
    replicas.busyMs?.clear();
    cpu0 = process.cpuUsage();
    if (only.has('sft')) {
      const t0 = performance.now();
      const sft = await runSft({
        policy,
        examples,
        config: { epochs: 1, batchSize: Number(args.batch), chunkSize: Number(args.chunk), evalFraction: 0 },
        replicas,
        log: () => {},
      });
      report(`SFT step (batch ${args.batch}, chunks of ${args.chunk})`, t0, sft.metrics.at(-1).step);
    }
    if (only.has('eval')) {
      const t0 = performance.now();
      cpu0 = process.cpuUsage();
      let batches = 0;
      const pol = new ReplicatedPolicy(policy, replicas);
      const counting = {
        id: pol.id,
        generate: (p, o) => {
          batches++;
          return pol.generate(p, o);
        },
      };
      await evaluate({
        envs: makeEnvs(8),
        policy: counting,
        config: { episodes: 16, numEnvs: 8, maxNewTokens: Number(args.tokens), maxEpisodeSteps: 4 },
      });
      report(`eval batch (8 envs, ≤${args.tokens} tokens)`, t0, batches);
    }
    if (only.has('ppo')) {
      const t0 = performance.now();
      cpu0 = process.cpuUsage();
      const ppo = await runPpo({
        policy,
        envs: makeEnvs(8),
        config: {
          numUpdates: 1,
          stepsPerEnv: 4,
          epochs: 1,
          miniBatchSize: 4,
          gradAccumSteps: 2,
          generate: { temperature: 1, maxNewTokens: Number(args.tokens) },
          targetKl: null,
        },
        replicas,
        log: () => {},
      });
      console.log(
        `  PPO rollout ${ppo.metrics[0].rolloutSeconds.toFixed(2)} s, optimisation ${ppo.metrics[0].updateSeconds.toFixed(2)} s`,
      );
      report('PPO update (rollout, scoring, optimisation)', t0, 1);
    }
  } finally {
    await replicas.close();
    policy.dispose();
  }
}
console.log(`CPU: ${cpus()[0]?.model} × ${cpus().length}; ${new Date().toISOString()}`);
for (let r = 0; r < Number(args.rounds); r++)
  for (const n of counts) {
    console.log(`${n} worker(s):`);
    await measure(n);
  }
