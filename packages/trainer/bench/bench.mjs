// Trainer benchmarks against dist: `pnpm build && pnpm bench`.
// 1. GAE over a paper-sized rollout (512 steps × 8 envs).
// 2. Thought/action split of a CoT reply with the real tiny tokenizer.
// 3. One PPO update with tfjs:tiny on gym-cards/NumberLine-v0 (action-only prompt):
//    rollout env steps/s and generated tokens/s, update seconds, checkpoint write seconds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvRegistry, TextEnv } from '@rl4vlm/env';
import { createOracle, registerGymCards } from '@rl4vlm/gym-cards';
import { TfjsPolicy } from '@rl4vlm/policy-tfjs';
import { computeGae, runPpo, splitThoughtAction } from '../dist/index.js';

const T = 512;
const N = 8;
const rand = () => Math.random() * 2 - 1;
const input = {
  rewards: Array.from({ length: T }, () => Array.from({ length: N }, rand)),
  values: Array.from({ length: T }, () => Array.from({ length: N }, rand)),
  dones: Array.from({ length: T }, () => Array.from({ length: N }, () => Math.random() < 0.3)),
  lastValues: Array.from({ length: N }, rand),
  gamma: 0.9,
  lambda: 0.95,
};
let t0 = performance.now();
for (let i = 0; i < 100; i++) computeGae(input);
console.log(`GAE 512×8: ${((performance.now() - t0) / 100).toFixed(3)} ms`);

const policy = await TfjsPolicy.create('tiny');
const envs = new EnvRegistry();
registerGymCards({ registry: envs });
const env = envs.make('gym-cards/NumberLine-v0');
const { info } = await env.reset({ seed: 1 });
const reply = createOracle('gym-cards/NumberLine-v0').reply(info, { cot: true });
const ids = policy.tokenizer.encode(reply);
t0 = performance.now();
for (let i = 0; i < 1000; i++) splitThoughtAction(ids, policy.tokenizer);
console.log(`split of a ${ids.length}-token CoT reply: ${((performance.now() - t0) / 1000).toFixed(3)} ms`);

const text = envs.spec('gym-cards/NumberLine-v0').text;
const trainEnvs = Array.from(
  { length: 4 },
  () => new TextEnv(envs.make('gym-cards/NumberLine-v0'), text({ cot: false })),
);
const dir = mkdtempSync(join(tmpdir(), 'trainer-bench-'));
const result = await runPpo({
  policy,
  envs: trainEnvs,
  config: {
    numUpdates: 1,
    stepsPerEnv: 8,
    epochs: 2,
    miniBatchSize: 8,
    generate: { temperature: 1, maxNewTokens: 16 },
  },
  checkpoint: { dir },
  log: () => {},
});
const m = result.metrics[0];
t0 = performance.now();
await policy.save(join(dir, 'save-timing'));
const saveSeconds = (performance.now() - t0) / 1000;
console.log(
  `PPO update (tiny, 4 envs × 8 steps, 2 epochs, minibatch 8): rollout ${m.envStepsPerSecond.toFixed(2)} env steps/s, ` +
    `${m.tokensPerSecond.toFixed(1)} generated tokens/s, update ${m.updateSeconds.toFixed(1)} s, policy.save ${saveSeconds.toFixed(2)} s`,
);
rmSync(dir, { recursive: true, force: true });
