// 1 worker against 2, phase by phase in one process, so a busy machine slows both alike:
// `pnpm build && node bench/paired-workers.mjs [--rounds 8] [--eval-envs 16,32] [--ppo-envs 16]
// [--weights DIR|none]`. tfjs:tiny on gym-cards/NumberLine-v0 with chain-of-thought replies,
// starting from the committed SFT checkpoint `results/runs/nl-sft-r2` (`none`: fresh weights). Each round runs, first
// in-process (the main thread's own policy, `workers: 1`) and then on 2 replicas (the main
// thread and one worker thread):
//   - one SFT optimizer step (batch 8 in chunks of 4);
//   - one evaluation per `--eval-envs` count E (E envs stepped together, E episodes, ≤ 48 tokens
//     and ≤ 4 steps each): episodes/s;
//   - one PPO update (`--ppo-envs` envs × 2 steps, one epoch, minibatches of 8 in chunks of 4,
//     `targetKl` off so every minibatch is computed): its rollout and its optimisation seconds.
// Both policies start from the same weights and take the same bit-identical steps, so every
// round gives both the same work. Prints each round, then medians, 2-vs-1 ratios (≥ 1.7× is the
// target) and CPU seconds (all threads, `process.cpuUsage`) per phase.
import { createHash } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EnvRegistry, TextEnv } from '@rl4vlm/env';
import { createOracle, registerGymCards } from '@rl4vlm/gym-cards';
import { OraclePolicy } from '@rl4vlm/policy';
import { TfjsPolicy } from '@rl4vlm/policy-tfjs';
import * as tf from '@tensorflow/tfjs-core';
import {
  Adam,
  buildOracleDataset,
  evaluate,
  LocalReplicas,
  ReplicatedPolicy,
  runPpo,
  sumInChunkOrder,
  WorkerPool,
} from '../dist/index.js';

const DEFAULT_WEIGHTS = '../../../results/runs/nl-sft-r2/checkpoints/sft/policy';
const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '8' },
    'eval-envs': { type: 'string', default: '16,32' },
    'ppo-envs': { type: 'string', default: '16' },
    tokens: { type: 'string', default: '48' },
    // A trained policy writes whole chain-of-thought replies and plays whole episodes; a fresh
    // one mostly stops after a few tokens, which measures fixed costs, not generation.
    weights: { type: 'string', default: fileURLToPath(new URL(DEFAULT_WEIGHTS, import.meta.url)) },
  },
});
const ENV = 'gym-cards/NumberLine-v0';
const registry = new EnvRegistry();
registerGymCards({ registry });
const text = registry.spec(ENV).text;
const makeEnvs = (n) => Array.from({ length: n }, () => new TextEnv(registry.make(ENV), text({ cot: true })));
const oracle = createOracle(ENV);
const examples = await buildOracleDataset({
  env: makeEnvs(1)[0],
  teacher: new OraclePolicy((_p, info) => oracle.reply(info, { cot: true })),
  episodes: 24,
  seed: 1,
});
const policyModules = [import.meta.resolve('@rl4vlm/policy-tfjs')];
const evalCounts = args['eval-envs'].split(',').map(Number);
const ppoEnvs = Number(args['ppo-envs']);
const maxNewTokens = Number(args.tokens);
const rounds = Number(args.rounds);

/** A policy, its replicas (in-process or 2 threads), its Adam and an SFT step. */
async function setup(mode, from) {
  const policy = await TfjsPolicy.create('tiny');
  if (from)
    policy.importWeights(from.exportWeights()); // both start from the same weights
  else if (args.weights !== 'none') await policy.load(args.weights);
  const replicas =
    mode === 'local'
      ? new LocalReplicas(policy)
      : await WorkerPool.start({ workers: 2, policy, policyModules, policyId: 'tfjs:tiny' });
  const variables = policy.trainableVariables();
  const adam = new Adam(variables, {}, policy.learningRateScales());
  await replicas.startOptimizer(adam);
  const sftStep = async (batch) => {
    const tokens = batch.reduce((n, e) => n + policy.tokenizer.encode(e.target).length + 1, 0);
    const chunks = [batch.slice(0, 4), batch.slice(4, 8)].map((part) => ({
      kind: 'sft',
      examples: part.map(({ prompt, target }) => ({ prompt, target })),
      batchTokens: tokens,
    }));
    const { gradient } = sumInChunkOrder(await replicas.gradients(chunks));
    const flat = tf.tensor1d(gradient);
    await replicas.step(adam, flat, 1e-4);
    flat.dispose();
  };
  return { mode, policy, replicas, adam, sftStep };
}

const modes = ['local', 'workers'];
const local = await setup('local');
const runs = { local, workers: await setup('workers', local.policy) };
/** Per mode and measure: values (per round) and CPU seconds. */
const keys = ['sft', ...evalCounts.map((e) => `eval${e}`), 'rollout', 'optimise'];
const results = Object.fromEntries(
  modes.map((m) => [m, Object.fromEntries(keys.map((k) => [k, { value: [], cpu: [] }]))]),
);
const cpuOf = async (f) => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await f();
  const c = process.cpuUsage(c0);
  return { out, ms: performance.now() - t0, cpu: (c.user + c.system) / 1e6 };
};

async function round(run, s, record) {
  const r = results[run.mode];
  const put = (key, value, cpu) => {
    if (!record) return;
    r[key].value.push(value);
    r[key].cpu.push(cpu);
  };
  const at = ((s + 2) * 8) % (examples.length - 8);
  // Each PPO update gives the replicas that update's optimizer: hand them the SFT one back first.
  await run.replicas.startOptimizer(run.adam);
  const sft = await cpuOf(() => run.sftStep(examples.slice(at, at + 8)));
  put('sft', 1000 / sft.ms, sft.cpu);
  for (const e of evalCounts) {
    const ev = await cpuOf(() =>
      evaluate({
        envs: makeEnvs(e),
        policy: new ReplicatedPolicy(run.policy, run.replicas),
        config: { episodes: e, numEnvs: e, maxNewTokens, maxEpisodeSteps: 4, seed: 100 + s },
      }),
    );
    put(`eval${e}`, ev.out.episodes / (ev.ms / 1000), ev.cpu);
  }
  // The rollout's and the update's CPU are not apart in runPpo: the update's share is its wall
  // share of the whole (both phases keep all threads busy alike).
  const ppo = await cpuOf(() =>
    runPpo({
      policy: run.policy,
      envs: makeEnvs(ppoEnvs),
      config: {
        numUpdates: 1,
        numEnvs: ppoEnvs,
        stepsPerEnv: 2,
        epochs: 1,
        miniBatchSize: 8,
        chunkSize: 4,
        gradAccumSteps: 1,
        generate: { temperature: 1, maxNewTokens },
        schedule: { lr: 1e-4 },
        targetKl: null,
      },
      seed: 200 + s,
      replicas: run.replicas,
      log: () => {},
    }),
  );
  const { rolloutSeconds, updateSeconds } = ppo.out.metrics[0];
  const share = (x) => (ppo.cpu * x) / (rolloutSeconds + updateSeconds);
  put('rollout', rolloutSeconds, share(rolloutSeconds));
  put('optimise', updateSeconds, share(updateSeconds));
}

console.log(
  `weights: ${args.weights}\nCPU: ${cpus()[0]?.model} × ${cpus().length}; load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(
      ' ',
    )}; ${rounds} rounds (+1 warm-up); eval envs ${evalCounts.join(', ')}; PPO envs ${ppoEnvs}; ≤ ${maxNewTokens} tokens`,
);
const show = (m) => {
  const r = results[m];
  return keys
    .map((k) => {
      const v = r[k].value.at(-1);
      return k === 'sft'
        ? `SFT ${v.toFixed(2)} steps/s`
        : k.startsWith('eval')
          ? `eval(${k.slice(4)} envs) ${v.toFixed(2)} ep/s`
          : `${k} ${v.toFixed(2)} s`;
    })
    .join(', ');
};
for (let s = -1; s < rounds; s++) {
  for (const m of modes) await round(runs[m], s, s >= 0);
  if (s >= 0)
    for (const m of modes)
      console.log(`round ${s + 1}, ${m === 'local' ? '1 worker ' : '2 workers'}: ${show(m)}`);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log('\nmedians: 1 worker | 2 workers | 2 vs 1 (speed) | CPU s 1 worker | CPU s 2 workers');
for (const k of keys) {
  const [a, b] = modes.map((m) => median(results[m][k].value));
  const [ca, cb] = modes.map((m) => median(results[m][k].cpu));
  const faster = k === 'rollout' || k === 'optimise' ? a / b : b / a;
  const unit = k === 'sft' ? 'steps/s' : k.startsWith('eval') ? 'episodes/s' : 's';
  const name = k.startsWith('eval')
    ? `evaluation, ${k.slice(4)} envs`
    : k === 'sft'
      ? 'SFT step'
      : `PPO ${k}`;
  console.log(
    `${name.padEnd(20)} ${a.toFixed(3)} | ${b.toFixed(3)} ${unit} | ${faster.toFixed(2)}× | ${ca.toFixed(2)} | ${cb.toFixed(2)}`,
  );
}
const hashes = await runs.workers.replicas.weightHashes();
const sha = (p) => createHash('sha256').update(p.exportWeights()).digest('hex');
console.log(
  `replicas equal to their main policy: ${hashes.every((h) => h === sha(runs.workers.policy))}; ` +
    `2-worker and in-process policies equal: ${sha(runs.workers.policy) === sha(runs.local.policy)}`,
);
for (const r of Object.values(runs)) await r.replicas.close();
