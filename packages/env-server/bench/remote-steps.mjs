// Remote vs in-process env steps per second, for BENCHMARKS.md.
//   node bench/remote-steps.mjs [seconds per measurement, default 4]
// A step is what the trainer does per env step: build the prompt (images decoded) and step with a
// model's reply text. Remote: a server in its own process on loopback, N sessions played at once
// (one message in flight each), frames as PNG.
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { EnvRegistry, TextEnv } from '@rl4vlm/env';
import { registerGymCards } from '@rl4vlm/gym-cards';
import { RemoteEnv, remoteText } from '../dist/index.js';

const seconds = Number(process.argv[2] ?? 4);
const registry = new EnvRegistry();
registerGymCards({ registry });
const envs = [
  ['gym-cards/NumberLine-v0', ['-', '+']],
  ['gym-cards/Blackjack-v0', ['stand', 'hit']],
];

/** Plays `textEnvs` at once for `seconds`; returns total steps per second. */
async function measure(textEnvs, labels) {
  let steps = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    textEnvs.map(async (env, i) => {
      let current = await env.reset({ seed: i + 1 });
      let t = 0;
      while (performance.now() < end) {
        env.prompt(current.observation, current.info);
        const r = await env.step(`{"thoughts": "…", "action": "${labels[(t++ + i) % labels.length]}"}`);
        steps += 1;
        current = r.terminated || r.truncated ? await env.reset() : r;
      }
    }),
  );
  return steps / ((performance.now() - started) / 1000);
}

function startServer(envId) {
  const script = fileURLToPath(new URL('./serve-child.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, envId], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) =>
    child.stdout.once('data', (d) => resolve({ child, url: d.toString().trim() })),
  );
}

console.log(
  `CPU: ${cpus()[0]?.model} × ${cpus().length}; ${seconds} s per measurement; Node ${process.version}`,
);
console.log('| env | in process, 1 env | remote, 1 session | remote, 32 sessions |');
console.log('| --- | ---: | ---: | ---: |');
for (const [envId, labels] of envs) {
  const local = new TextEnv(registry.make(envId), registry.spec(envId).text({ cot: true }));
  const inProcess = await measure([local], labels);
  const { child, url } = await startServer(envId);
  const row = [];
  for (const n of [1, 32]) {
    const remote = Array.from({ length: n }, () => new TextEnv(new RemoteEnv({ urls: [url] }), remoteText));
    row.push(await measure(remote, labels));
    await Promise.all(remote.map((e) => e.close()));
  }
  child.kill();
  const fmt = (x) => `${Math.round(x).toLocaleString('en-US')} steps/s`;
  console.log(`| ${envId} | ${fmt(inProcess)} | ${fmt(row[0])} | ${fmt(row[1])} |`);
}
