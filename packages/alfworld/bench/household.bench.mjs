// Throughput of the household engine, its renderer and the sidecar bridge (run against dist:
// `pnpm --filter @rl4vlm/alfworld build && pnpm --filter @rl4vlm/alfworld bench`).
import { execFileSync } from 'node:child_process';
import { AlfworldEnv, expertPlan, generateGame, HouseholdEnv } from '../dist/index.js';

function timeIt(label, unit, fn) {
  fn(Math.max(1, Math.floor(fn.warm ?? 10))); // warm-up
  const start = performance.now();
  const count = fn();
  const ms = performance.now() - start;
  console.log(
    `${label.padEnd(52)} ${(count / (ms / 1000)).toFixed(0).padStart(9)} ${unit}/s   (${((ms * 1000) / count).toFixed(1)} µs each)`,
  );
}

timeIt('generateGame', 'games', (n = 3000) => {
  for (let s = 0; s < n; s++) generateGame({ seed: s });
  return n;
});

timeIt('expertPlan (generate + plan + execute)', 'games', (n = 2000) => {
  for (let s = 0; s < n; s++) expertPlan(generateGame({ seed: s }));
  return n;
});

function envSteps(options, n) {
  const env = new HouseholdEnv(options);
  let { info } = env.reset({ seed: 0 });
  let steps = 0;
  while (steps < n) {
    const r = env.step(info.expertCommand ?? 'look');
    steps++;
    info = r.info;
    if (r.terminated || r.truncated) info = env.reset().info;
  }
  return steps;
}
timeIt('HouseholdEnv.step, text only (expert actions)', 'steps', (n = 20000) =>
  envSteps({ image: false }, n),
);
timeIt('HouseholdEnv.step, 300×300 frame rendered each step', 'steps', (n = 2000) =>
  envSteps({ imageSize: 300 }, n),
);

const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
  encoding: 'utf8',
}).trim();
async function bridgeSteps(image, n) {
  const env = new AlfworldEnv({ python, backend: 'fake', image, imageSize: 300 });
  const t0 = performance.now();
  let { info } = await env.reset({ seed: 0 });
  const startMs = performance.now() - t0;
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const r = await env.step(info.expertCommand ?? 'look');
    info = r.info;
    if (r.terminated || r.truncated) info = (await env.reset()).info;
  }
  const ms = performance.now() - start;
  await env.close();
  const label = `AlfworldEnv.step via sidecar (test backend${image ? ', 300×300 PNG' : ''})`;
  console.log(
    `${label.padEnd(52)} ${(n / (ms / 1000)).toFixed(0).padStart(9)} steps/s   (${((ms * 1000) / n).toFixed(1)} µs each; first start + reset ${startMs.toFixed(0)} ms)`,
  );
}
await bridgeSteps(false, 2000);
await bridgeSteps(true, 100);
