/**
 * The learning claim end to end on CPU: `tfjs:tiny` (random init, wasm backend) on
 * `gym-cards/NumberLine-v0`, action-only replies. SFT on a small, deliberately imperfect oracle
 * dataset (40 episodes, 30% of the steps answered by a random teacher), then, from that one
 * checkpoint, PPO (with a critic) and GiGPO (no critic; seeds × copies played to the end;
 * episode + anchor-state step advantages). Every stage is evaluated on the same 200 seeded
 * episodes, sampling at the rollout temperature 0.5 (the paper samples at 0.2). Each algorithm
 * must raise the success rate, with disjoint 95% intervals, and the mean return.
 *
 * Measured (2026-12-01, AMD EPYC, 2 cores under load; RESULTS.md "GiGPO end to end on CPU"),
 * GiGPO, 200 episodes, run seeds 1/2/3: success 0.40 → 0.66, 0.38 → 0.59, 0.28 → 0.66 (intervals
 * disjoint on all three), mean return −0.79 → −0.01, −2.41 → −0.70, −2.46 → −0.30.
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

// Each stage takes 1–4 CPU-minutes; a generous wall limit so that a loaded machine (load 15 on two
// cores was seen) slows the file down instead of failing it.
const WALL_LIMIT_MS = 1_800_000;
const generate = { temperature: 0.5, maxNewTokens: 12 };
const shared = {
  // E2E_SEED=2 or 3 repeats the claim on other seeds (RESULTS.md's per-seed table); CI runs seed 1.
  seed: Number(process.env.E2E_SEED ?? 1),
  env: { id: 'gym-cards/NumberLine-v0', text: { cot: false } },
  eval: { episodes: 200, numEnvs: 16, temperature: 0.5, maxNewTokens: 12, maxEpisodeSteps: 12 },
  checkpoint: { every: 100 },
} satisfies Partial<TrainConfigInput>;

let sft: EvalSummary;
let sftPolicy: string;
beforeAll(async () => {
  const result = await train(
    {
      ...shared,
      runDir: join(root, 'sft'),
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
}, WALL_LIMIT_MS);

const interval = (e: EvalSummary) =>
  `${e.successRate.toFixed(2)} [${e.successInterval.low.toFixed(2)}–${e.successInterval.high.toFixed(2)}]`;

/** RL from the SFT checkpoint; asserts the claim and returns the update records. */
async function rlFromSft(name: string, rl: Partial<TrainConfigInput>) {
  const result = await train(
    { ...shared, ...rl, runDir: join(root, name), policy: { id: `tfjs:${sftPolicy}` } },
    tinyNumberLineDeps(),
  );
  const after = result.evalFinal!;
  const metrics = result.ppo.metrics;
  const formatErrors = metrics.map((m) => m.formatErrorRate as number);
  console.info(
    `NumberLine, tiny, ${name}: success after SFT ${interval(sft)}, after ${name} ${interval(after)}; ` +
      `mean return ${sft.meanReturn.toFixed(2)} → ${after.meanReturn.toFixed(2)}; rollout format errors ` +
      `${formatErrors[0]!.toFixed(2)} → ${formatErrors.at(-1)!.toFixed(2)}; env steps ${metrics.at(-1)!.envSteps}`,
  );
  expect(after.episodes).toBe(200);
  expect(sft.episodes).toBe(200);
  expect(after.successRate).toBeGreaterThan(sft.successRate);
  // Not a tie broken by noise: the 95% intervals of the two rates do not overlap.
  expect(after.successInterval.low).toBeGreaterThan(sft.successInterval.high);
  // Not bought with worse failures: the failing episodes must not wander more than before.
  expect(after.meanReturn).toBeGreaterThan(sft.meanReturn);
  return metrics;
}

// Measured (2026-11-26, 2-core machine, next to another test process): success 0.48 → 0.83,
// mean return −0.63 → 0.37, format errors in the rollouts 0.26 → 0.01; SFT + PPO in ~2 minutes.
it(
  'tiny on NumberLine: PPO after an imperfect SFT raises the success rate on the same seeded episodes',
  async () => {
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
  },
  WALL_LIMIT_MS,
);

it(
  'tiny on NumberLine: GiGPO from the same SFT raises the success rate on the same seeded episodes',
  async () => {
    const metrics = await rlFromSft('gigpo', {
      algorithm: 'gigpo',
      // normalize 'mean' (Dr. GRPO): advantages in reward units, so an episode stuck at an edge
      // (−1 per step) weighs more than a one-step detour; invalidPenalty 1: a reply that does not
      // parse costs as much as a wasted move, so the random action it gets is no way out of a loop.
      algorithms: {
        gigpo: { groups: 8, groupSize: 4, maxEpisodeSteps: 8, normalize: 'mean', invalidPenalty: 1 },
      },
      // 16 one-epoch updates rather than 10 of two epochs: about the same CPU (the update, not the
      // rollout, is the cost) but twice the fresh rollouts; with 10 × 2 seed 1's mean return fell.
      ppo: {
        numUpdates: 16,
        numEnvs: 16,
        epochs: 1,
        miniBatchSize: 16,
        generate,
        schedule: { lr: 3e-4 },
        targetKl: null, // as PPO above
      },
    });
    expect(metrics.every((r) => r.algorithm === 'gigpo')).toBe(true);
    // NumberLine revisits states: GiGPO finds step groups larger than one.
    expect(metrics.some((r) => (r.stepGroupShare as number) > 0)).toBe(true);
  },
  WALL_LIMIT_MS,
);
