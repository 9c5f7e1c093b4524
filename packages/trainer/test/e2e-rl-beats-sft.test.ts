/**
 * The learning claim end to end on CPU: `tfjs:tiny` (random init, wasm backend) on
 * `gym-cards/NumberLine-v0`, action-only replies. SFT on a small, deliberately imperfect oracle
 * dataset (40 episodes, 30% of the steps answered by a random teacher), then, from that one
 * checkpoint, PPO (with a critic) and GiGPO (no critic; 8 seeds × 4 copies played to the end;
 * episode + anchor-state step advantages). Every stage is evaluated on the same 100 seeded
 * episodes, sampling at the rollout temperature 0.5 (the paper samples at 0.2). Each algorithm
 * must raise the success rate, with disjoint 95% intervals.
 *
 * Measured (2026-12-01, 2-core machine under load): success 0.48 [0.38–0.58] after SFT, 0.82
 * [0.73–0.88] after PPO (1,024 env steps), 0.80 [0.71–0.87] after GiGPO (985 env steps); about
 * 5 CPU-minutes for the file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TrainConfigInput } from '../src/config.js';
import type { EvalSummary } from '../src/evaluate.js';
import { train } from '../src/train.js';
import { tinyNumberLineDeps } from './fixtures/tiny-number-line.js';

const root = mkdtempSync(join(tmpdir(), 'trainer-rl-beats-sft-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const generate = { temperature: 0.5, maxNewTokens: 12 };
const shared = {
  seed: 1,
  env: { id: 'gym-cards/NumberLine-v0', text: { cot: false } },
  eval: { episodes: 100, numEnvs: 16, temperature: 0.5, maxNewTokens: 12, maxEpisodeSteps: 12 },
  checkpoint: { every: 100 },
} satisfies Partial<TrainConfigInput>;

let sft: EvalSummary;
let sftPolicy: string;
beforeAll(async () => {
  const runDir = join(root, 'sft');
  const result = await train(
    {
      ...shared,
      runDir,
      policy: { id: 'tfjs:tiny' },
      sft: {
        data: { episodes: 40, noise: 0.3 },
        train: { epochs: 6, batchSize: 8, lr: 2e-3, evalFraction: 0, evalGenerations: 0, maxNewTokens: 12 },
      },
    },
    // SFT and its evaluation only: the RL stage stops before its first update.
    { ...tinyNumberLineDeps(), stopAfterUpdates: 0 },
  );
  sft = result.evalAfterSft!;
  // The checkpoint written where the RL stage stopped (update 0) holds the SFT weights.
  sftPolicy = join(result.ppo.checkpointDir!, 'policy');
}, 900_000);

async function rlFromSft(name: string, rl: Partial<TrainConfigInput>) {
  const result = await train(
    { ...shared, ...rl, runDir: join(root, name), policy: { id: `tfjs:${sftPolicy}` } },
    tinyNumberLineDeps(),
  );
  const after = result.evalFinal!;
  console.info(
    `NumberLine, tiny, ${name}: success after SFT ${sft.successRate} [${sft.successInterval.low.toFixed(2)}, ${sft.successInterval.high.toFixed(2)}], ` +
      `after ${name} ${after.successRate} [${after.successInterval.low.toFixed(2)}, ${after.successInterval.high.toFixed(2)}]; ` +
      `return ${sft.meanReturn.toFixed(2)} → ${after.meanReturn.toFixed(2)}; env steps ${result.ppo.metrics.at(-1)!.envSteps}`,
  );
  expect(after.episodes).toBe(100);
  expect(sft.episodes).toBe(100);
  expect(after.successRate).toBeGreaterThan(sft.successRate);
  // Not a tie broken by noise: the 95% intervals of the two rates do not overlap.
  expect(after.successInterval.low).toBeGreaterThan(sft.successInterval.high);
  expect(after.meanReturn).toBeGreaterThan(sft.meanReturn);
  return result.ppo.metrics;
}

it('tiny on NumberLine: PPO after an imperfect SFT raises the success rate on the same seeded episodes', async () => {
  await rlFromSft('ppo', {
    ppo: {
      numUpdates: 8,
      numEnvs: 16,
      stepsPerEnv: 8,
      epochs: 2,
      miniBatchSize: 16,
      generate,
      schedule: { lr: 1e-4 },
      targetKl: null, // written before the 0.02 default: measures PPO unhindered
    },
  });
}, 900_000);

it('tiny on NumberLine: GiGPO from the same SFT raises the success rate on the same seeded episodes', async () => {
  const metrics = await rlFromSft('gigpo', {
    algorithm: 'gigpo',
    algorithms: { gigpo: { groups: 8, groupSize: 4, maxEpisodeSteps: 8 } },
    ppo: {
      numUpdates: 8,
      numEnvs: 16,
      epochs: 2,
      miniBatchSize: 16,
      generate,
      // 3e-4: at PPO's 1e-4 GiGPO reached 0.64 [0.54–0.73] from 0.48, intervals overlapping; at
      // 3e-4, 0.80 [0.71–0.87] in ~1,000 env steps (2026-12-01). Without a critic to fit first,
      // the policy can take larger steps.
      schedule: { lr: 3e-4 },
      targetKl: null, // as PPO above
    },
  });
  expect(metrics.every((r) => r.algorithm === 'gigpo')).toBe(true);
  // NumberLine revisits states: GiGPO finds step groups larger than one.
  expect(metrics.some((r) => (r.stepGroupShare as number) > 0)).toBe(true);
}, 900_000);
