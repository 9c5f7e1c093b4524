// Remote vs in-process env steps per second, for BENCHMARKS.md.
//   node bench/remote-steps.mjs [seconds per measurement, default 4]
// A step is what the trainer does per env step: build the prompt (images decoded) and step with a
// model's reply text. Remote: a real server on loopback, N sessions played at once (one message in
// flight each), frames as PNG. The server runs in this process so that process CPU time counts
// client and server together: "per CPU-second" is the load-independent figure (a shared machine's
// wall-clock rate moves with its load), "per second" the wall-clock one.
import { cpus, loadavg } from 'node:os';
import { EnvRegistry, TextEnv } from '@rl4vlm/env';
import { registerGymCards } from '@rl4vlm/gym-cards';
import { createEnvServer, RemoteEnv, remoteText } from '../dist/index.js';

const seconds = Number(process.argv[2] ?? 4);
const registry = new EnvRegistry();
registerGymCards({ registry });
const envs = [
  ['gym-cards/NumberLine-v0', ['-', '+']],
  ['gym-cards/Blackjack-v0', ['stand', 'hit']],
];

/** Plays `textEnvs` at once for `seconds`; returns steps per wall second and per CPU second. */
async function measure(textEnvs, labels) {
  let steps = 0;
  const currents = await Promise.all(textEnvs.map((env, i) => env.reset({ seed: i + 1 })));
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    textEnvs.map(async (env, i) => {
      let current = currents[i];
      let t = 0;
      while (performance.now() < end) {
        env.prompt(current.observation, current.info);
        const r = await env.step(`{"thoughts": "…", "action": "${labels[(t++ + i) % labels.length]}"}`);
        steps += 1;
        current = r.terminated || r.truncated ? await env.reset() : r;
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  return {
    wall: steps / ((performance.now() - started) / 1000),
    cpu: steps / ((used.user + used.system) / 1e6),
  };
}

const fmt = ({ wall, cpu }) =>
  `${Math.round(wall).toLocaleString('en-US')} (${Math.round(cpu).toLocaleString('en-US')})`;
console.log(
  `CPU: ${cpus()[0]?.model} × ${cpus().length}; load ${loadavg()[0].toFixed(1)}; ${seconds} s each; Node ${process.version}`,
);
console.log('steps per second (per CPU-second)');
console.log('| env | in process, 1 env | remote, 1 session | remote, 32 sessions |');
console.log('| --- | ---: | ---: | ---: |');
for (const [envId, labels] of envs) {
  const server = await createEnvServer({ envId, registry, port: 0, maxSessions: 64 });
  const local = new TextEnv(registry.make(envId), registry.spec(envId).text({ cot: true }));
  const inProcess = await measure([local], labels);
  const row = [];
  for (const n of [1, 32]) {
    const remote = Array.from(
      { length: n },
      () => new TextEnv(new RemoteEnv({ urls: [server.wsUrl] }), remoteText),
    );
    row.push(await measure(remote, labels));
    await Promise.all(remote.map((e) => e.close()));
  }
  await server.close();
  console.log(`| ${envId} | ${fmt(inProcess)} | ${fmt(row[0])} | ${fmt(row[1])} |`);
}
console.log(`load after: ${loadavg()[0].toFixed(1)}`);
