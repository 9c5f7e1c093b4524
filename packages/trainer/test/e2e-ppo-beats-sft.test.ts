/**
 * The learning claim end to end on CPU: `tfjs:tiny` (random init, wasm backend) on
 * `gym-cards/NumberLine-v0`, action-only replies. SFT on a small, deliberately imperfect oracle
 * dataset (40 episodes, 30% of the steps answered by a random teacher), then PPO; both stages
 * are evaluated on the same 100 seeded episodes, sampling at the rollout temperature 0.5
 * (the paper samples at 0.2). PPO must raise the success rate.
 *
 * Measured (2026-11-26, 2-core machine, next to another test process): success 0.48 → 0.83,
 * mean return −0.63 → 0.37, format errors in the rollouts 0.26 → 0.01, in ~2 minutes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { train } from '../src/train.js';
import { tinyNumberLineDeps } from './fixtures/tiny-number-line.js';

const runDir = mkdtempSync(join(tmpdir(), 'trainer-ppo-beats-sft-'));
afterAll(() => rmSync(runDir, { recursive: true, force: true }));

it('tiny on NumberLine: PPO after an imperfect SFT raises the success rate on the same seeded episodes', async () => {
  const result = await train(
    {
      seed: 1,
      runDir,
      env: { id: 'gym-cards/NumberLine-v0', text: { cot: false } },
      policy: { id: 'tfjs:tiny' },
      sft: {
        data: { episodes: 40, noise: 0.3 },
        train: { epochs: 6, batchSize: 8, lr: 2e-3, evalFraction: 0, evalGenerations: 0, maxNewTokens: 12 },
      },
      ppo: {
        numUpdates: 8,
        numEnvs: 16,
        stepsPerEnv: 8,
        epochs: 2,
        miniBatchSize: 16,
        generate: { temperature: 0.5, maxNewTokens: 12 },
        schedule: { lr: 1e-4 },
        targetKl: null, // written before the 0.02 default: measures PPO unhindered
      },
      eval: { episodes: 100, numEnvs: 16, temperature: 0.5, maxNewTokens: 12, maxEpisodeSteps: 12 },
      checkpoint: { every: 100 },
    },
    tinyNumberLineDeps(),
  );
  const sft = result.evalAfterSft!;
  const ppo = result.evalFinal!;
  const formatErrors = result.ppo.metrics.map((m) => m.formatErrorRate as number);
  console.info(
    `NumberLine, tiny: success after SFT ${sft.successRate} (return ${sft.meanReturn.toFixed(2)}), ` +
      `after PPO ${ppo.successRate} (return ${ppo.meanReturn.toFixed(2)}); rollout format errors ` +
      `${formatErrors[0]!.toFixed(2)} → ${formatErrors.at(-1)!.toFixed(2)}`,
  );
  expect(ppo.episodes).toBe(100);
  expect(sft.episodes).toBe(100);
  expect(ppo.successRate).toBeGreaterThan(sft.successRate);
  // Not a tie broken by noise: the 95% intervals of the two rates do not overlap.
  expect(ppo.successInterval.low).toBeGreaterThan(sft.successInterval.high);
  expect(ppo.meanReturn).toBeGreaterThan(sft.meanReturn);
}, 600_000);
