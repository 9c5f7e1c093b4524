// How much two threads can get out of this machine at all, whatever the trainer does:
// `pnpm build && node bench/parallel-ceiling.mjs [--repeats 3] [--threads 2]`.
// The same work runs on 1 worker thread, then on N threads at once (each its own copy), and the
// script prints the throughput of N against 1 (N × time₁ / time_N; N = the ideal):
//   - scalar: a dependent floating-point loop in plain JS (registers only, no memory traffic);
//   - SFT chunk: one `tfjs:tiny` SFT gradient chunk (4 NumberLine chain-of-thought examples) on
//     the wasm backend, 8 times: the unit of work the replicas split.
// If the SFT chunk scales less than the scalar loop, the cores share what that work needs (a
// cache or memory bandwidth; on a VM, perhaps one physical core's two hyperthreads), and that
// ratio bounds what N replicas can reach on this machine.
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

if (isMainThread) {
  const { values: args } = parseArgs({
    options: { repeats: { type: 'string', default: '3' }, threads: { type: 'string', default: '2' } },
  });
  const n = Number(args.threads);
  const once = (threads, kind) =>
    new Promise((resolve, reject) => {
      const started = [];
      const times = [];
      for (let i = 0; i < threads; i++) {
        const w = new Worker(new URL(import.meta.url), { workerData: kind });
        w.on('error', reject);
        w.on('message', (m) => {
          if (m === 'ready') {
            started.push(w);
            // Timing starts when every thread has loaded its model, so loading is not counted.
            if (started.length === threads) {
              const t0 = performance.now();
              for (const s of started) s.postMessage('go');
              times.push(t0);
            }
            return;
          }
          times.push(performance.now());
          if (times.length === threads + 1) {
            for (const s of started) void s.terminate();
            resolve(Math.max(...times.slice(1)) - times[0]);
          }
        });
      }
    });
  console.log(
    `CPU: ${cpus()[0]?.model} × ${cpus().length}; load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; ${new Date().toISOString()}`,
  );
  for (const kind of ['scalar', 'sft-chunk']) {
    const ratios = [];
    for (let r = 0; r < Number(args.repeats); r++) {
      const one = await once(1, kind);
      const many = await once(n, kind);
      ratios.push((n * one) / many);
      console.log(
        `${kind.padEnd(9)} 1 thread ${one.toFixed(0)} ms, ${n} threads ${many.toFixed(0)} ms: throughput ×${((n * one) / many).toFixed(2)}`,
      );
    }
    const sorted = [...ratios].sort((a, b) => a - b);
    console.log(
      `${kind.padEnd(9)} median ×${sorted[Math.floor(sorted.length / 2)].toFixed(2)} (ideal ×${n})`,
    );
  }
} else {
  let work;
  if (workerData === 'scalar') {
    work = () => {
      let x = 0;
      for (let i = 0; i < 1.5e8; i++) x = (x * 1.0000001 + i) % 1e9;
      return x;
    };
  } else {
    const { EnvRegistry, TextEnv } = await import('@rl4vlm/env');
    const { createOracle, registerGymCards } = await import('@rl4vlm/gym-cards');
    const { OraclePolicy } = await import('@rl4vlm/policy');
    const { TfjsPolicy } = await import('@rl4vlm/policy-tfjs');
    const { buildOracleDataset, computeChunkGradients } = await import('../dist/index.js');
    const ENV = 'gym-cards/NumberLine-v0';
    const registry = new EnvRegistry();
    registerGymCards({ registry });
    const oracle = createOracle(ENV);
    const examples = await buildOracleDataset({
      env: new TextEnv(registry.make(ENV), registry.spec(ENV).text({ cot: true })),
      teacher: new OraclePolicy((_p, info) => oracle.reply(info, { cot: true })),
      episodes: 2,
      seed: 1,
    });
    const info = console.info;
    console.info = () => {};
    const policy = await TfjsPolicy.create('tiny');
    console.info = info;
    const chunk = {
      kind: 'sft',
      examples: examples.slice(0, 4).map(({ prompt, target }) => ({ prompt, target })),
      batchTokens: 200,
    };
    computeChunkGradients(policy, chunk); // warm-up: kernels compiled, buffers made
    work = () => {
      for (let i = 0; i < 8; i++) computeChunkGradients(policy, chunk);
    };
  }
  parentPort.on('message', () => {
    work();
    parentPort.postMessage('done');
  });
  parentPort.postMessage('ready');
}
