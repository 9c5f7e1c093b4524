// Single-thread steps per second with a uniformly random policy, RGB observation included.
// Usage: pnpm bench (after pnpm build). Optional: STEPS=20000 node bench/steps-per-second.mjs
import { Rng } from '@rl4vlm/env';
import { BlackjackEnv, EzPointsEnv, NumberLineEnv, Points24Env } from '../dist/index.js';

const STEPS = Number(process.env.STEPS ?? 20_000);
const TARGETS = {
  'NumberLine-v0': 10_000,
  'EZPoints-v0': 1_000,
  'Points24-v0': 1_000,
  'Blackjack-v0': 1_000,
};
const envs = {
  'NumberLine-v0': () => new NumberLineEnv(),
  'EZPoints-v0': () => new EzPointsEnv(),
  'Points24-v0': () => new Points24Env(),
  'Blackjack-v0': () => new BlackjackEnv(),
};

function run(env, steps, seed) {
  const policy = new Rng(seed);
  let episodes = 1;
  let checksum = 0;
  env.reset({ seed });
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < steps; i++) {
    const step = env.step(env.actionSpace.sample(policy));
    checksum += step.observation.data[45_150]; // touch the frame so it cannot be skipped
    if (step.terminated || step.truncated) {
      env.reset({ seed: seed + episodes });
      episodes++;
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { stepsPerSecond: steps / seconds, stepsPerCpuSecond: steps / cpuSeconds, episodes, checksum };
}

console.log(
  `node ${process.version}, ${STEPS} steps per env, random policy, resets counted inside the loop; ` +
    "wall-clock rate and rate per second of this process's CPU time (steadier on a shared machine)",
);
let failed = false;
for (const [name, make] of Object.entries(envs)) {
  const env = make();
  run(env, Math.min(2_000, STEPS), 1_000_000); // warm-up: JIT and the card/glyph caches
  const { stepsPerSecond, stepsPerCpuSecond, episodes } = run(env, STEPS, 0);
  // Judged on CPU time: on a shared machine the wall-clock rate mostly measures the other processes.
  const ok = stepsPerCpuSecond >= TARGETS[name];
  failed ||= !ok;
  console.log(
    `${name.padEnd(14)} ${stepsPerSecond.toFixed(0).padStart(8)} steps/s wall  ${stepsPerCpuSecond.toFixed(0).padStart(8)} steps/s of CPU time  (${episodes} episodes; target >= ${TARGETS[name]}: ${ok ? 'met' : 'MISSED'})`,
  );
}
if (failed) process.exitCode = 1;
