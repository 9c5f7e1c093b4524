// Scaling of the worker pool: `pnpm build && node bench/workers.mjs [--workers 1,2] [--rounds 2] [--size small] [--rows 8]`
// (or `pnpm --filter @rl4vlm/trainer bench:workers`). Runs each worker count in turn, alternating
// rounds in this one process tree (so machine load hits every count alike), with tfjs:tiny on
// gym-cards/NumberLine-v0 (CoT replies), and prints per count: SFT steps/s, PPO update seconds
// (rollout and optimisation apart) and evaluation episodes/s, then each count's speed-up over the
// first (medians over rounds), and the CPU time (all threads) of each phase. Pool start-up and a
// warm-up call (kernels compile on a thread's first calls) are timed apart and not counted.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EnvRegistry, TextEnv } from '@rl4vlm/env';
import { createOracle, registerGymCards } from '@rl4vlm/gym-cards';
import { OraclePolicy } from '@rl4vlm/policy';
import { TfjsPolicy } from '@rl4vlm/policy-tfjs';
import {
  buildOracleDataset,
  evaluate,
  ReplicatedPolicy,
  runPpo,
  runSft,
  startReplicas,
} from '../dist/index.js';

const { values: args } = parseArgs({
  options: {
    workers: { type: 'string', default: '1,2' },
    rounds: { type: 'string', default: '2' },
    size: { type: 'string', default: 'small' },
    rows: { type: 'string', default: '8' },
  },
});
const counts = args.workers.split(',').map(Number);
const rounds = Number(args.rounds);
// `tiny` is a quick sanity run; `small` is the measurement (a minute or two per count and round).
// Batches grow with the largest worker count W so every count has work for all its workers:
// SFT batch 4·W in chunks of 4, PPO minibatches of 4 with W per optimizer step, and `rows`·W
// rollout and evaluation envs, so each of W workers generates for `rows` of them at a time.
const W = Math.max(...counts);
const rows = Number(args.rows);
const sizes = {
  tiny: { sftEpisodes: 2 * W, evalEpisodes: 2 * W, ppoSteps: 1, maxNewTokens: 16 },
  small: { sftEpisodes: 6 * W, evalEpisodes: 2 * rows * W, ppoSteps: 4, maxNewTokens: 48 },
};
const size = sizes[args.size];
if (!size) throw new Error(`--size must be one of ${Object.keys(sizes).join(', ')}`);
const policyModules = [import.meta.resolve('@rl4vlm/policy-tfjs')];
const ENV = 'gym-cards/NumberLine-v0';
const envs = new EnvRegistry();
registerGymCards({ registry: envs });
const text = envs.spec(ENV).text;
const makeEnvs = (n) => Array.from({ length: n }, () => new TextEnv(envs.make(ENV), text({ cot: true })));
const oracle = createOracle(ENV);
const examples = await buildOracleDataset({
  env: makeEnvs(1)[0],
  teacher: new OraclePolicy((_p, info) => oracle.reply(info, { cot: true })),
  episodes: size.sftEpisodes,
  seed: 1,
});

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = new Map(
  counts.map((n) => [
    n,
    { sft: [], eval: [], rollout: [], optimise: [], start: [], cpu: { sft: [], eval: [], ppo: [] } },
  ]),
);

async function measure(workers) {
  const policy = await TfjsPolicy.create('tiny');
  let t0 = performance.now();
  const replicas = await startReplicas({ workers, policy, policyModules, policyId: 'tfjs:tiny' });
  const r = results.get(workers);
  // Warm-up, part of the start: V8 compiles a fresh thread's hot code during its first calls (the
  // main thread of a 1-worker run did so in an earlier round); a run pays it once.
  const chunk = {
    kind: 'sft',
    examples: examples.slice(0, 4).map(({ prompt, target }) => ({ prompt, target })),
    batchTokens: 1,
  };
  for (let k = 0; k < 2; k++) {
    await replicas.gradients(Array.from({ length: workers }, () => chunk));
    await replicas.generate(
      Array.from({ length: rows * workers }, (_, i) => examples[i % examples.length].prompt),
      { temperature: 1, maxNewTokens: 16, seed: k },
    );
  }
  r.start.push((performance.now() - t0) / 1000);
  const dir = mkdtempSync(join(tmpdir(), 'bench-workers-'));
  let cpu0 = process.cpuUsage();
  const cpu = (key) => {
    const c = process.cpuUsage(cpu0);
    r.cpu[key].push((c.user + c.system) / 1e6);
    cpu0 = process.cpuUsage();
  };
  try {
    t0 = performance.now();
    cpu0 = process.cpuUsage();
    const sft = await runSft({
      policy,
      examples,
      config: { epochs: 1, batchSize: 4 * W, chunkSize: 4, evalFraction: 0 },
      replicas,
      log: () => {},
    });
    const steps = sft.metrics.at(-1).step;
    r.sft.push(steps / ((performance.now() - t0) / 1000));
    cpu('sft');
    r.cpu.sftSteps = steps;

    t0 = performance.now();
    const summary = await evaluate({
      envs: makeEnvs(rows * W),
      policy: new ReplicatedPolicy(policy, replicas),
      config: {
        episodes: size.evalEpisodes,
        numEnvs: rows * W,
        maxNewTokens: size.maxNewTokens,
        maxEpisodeSteps: 4,
      },
    });
    r.eval.push(summary.episodes / ((performance.now() - t0) / 1000));
    cpu('eval');

    const ppo = await runPpo({
      policy,
      envs: makeEnvs(rows * W),
      config: {
        numUpdates: 1,
        stepsPerEnv: size.ppoSteps,
        epochs: 1,
        miniBatchSize: 4,
        gradAccumSteps: W,
        generate: { temperature: 1, maxNewTokens: size.maxNewTokens },
        targetKl: null, // every minibatch is computed: the optimisation time is the whole update's
      },
      replicas,
      log: () => {},
    });
    r.rollout.push(ppo.metrics[0].rolloutSeconds);
    r.optimise.push(ppo.metrics[0].updateSeconds);
    cpu('ppo');
  } finally {
    await replicas.close();
    policy.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(
  `CPU: ${cpus()[0]?.model} × ${cpus().length}; size ${args.size}; workers ${counts.join(', ')}; ${rows} rows per worker; ${rounds} round(s)`,
);
for (let round = 0; round < rounds; round++) {
  for (const n of counts) {
    await measure(n);
    const r = results.get(n);
    console.log(
      `round ${round + 1}, ${n} worker(s): SFT ${r.sft.at(-1).toFixed(3)} steps/s, eval ${r.eval.at(-1).toFixed(3)} episodes/s, ` +
        `PPO rollout ${r.rollout.at(-1).toFixed(2)} s + optimisation ${r.optimise.at(-1).toFixed(2)} s (pool start and warm-up ${r.start.at(-1).toFixed(1)} s); ` +
        `CPU s (all threads): SFT ${r.cpu.sft.at(-1).toFixed(2)}, eval ${r.cpu.eval.at(-1).toFixed(2)}, PPO ${r.cpu.ppo.at(-1).toFixed(2)}`,
    );
  }
}
const base = results.get(counts[0]);
console.log('\nmedians (speed-up over the first count):');
for (const n of counts) {
  const r = results.get(n);
  const x = (ours, theirs, higherIsBetter) =>
    `${(higherIsBetter ? median(ours) / median(theirs) : median(theirs) / median(ours)).toFixed(2)}×`;
  console.log(
    `${String(n).padStart(2)} worker(s): SFT ${median(r.sft).toFixed(3)} steps/s (${x(r.sft, base.sft, true)}), ` +
      `eval ${median(r.eval).toFixed(3)} episodes/s (${x(r.eval, base.eval, true)}), ` +
      `PPO rollout ${median(r.rollout).toFixed(2)} s (${x(r.rollout, base.rollout, false)}), ` +
      `optimisation ${median(r.optimise).toFixed(2)} s (${x(r.optimise, base.optimise, false)})`,
  );
}
// On a busy machine the wall-clock ratios say little (a process shares its CPU with the others);
// the CPU time does: N workers can at best be N × (CPU of 1 / CPU of N) times as fast.
console.log('\nCPU time, all threads (medians; 1-worker CPU / this CPU: the work each count adds):');
for (const n of counts) {
  const r = results.get(n);
  const e = (k) =>
    `${median(r.cpu[k]).toFixed(2)} s (${(median(base.cpu[k]) / median(r.cpu[k])).toFixed(2)})`;
  console.log(`${String(n).padStart(2)} worker(s): SFT ${e('sft')}, eval ${e('eval')}, PPO ${e('ppo')}`);
}
