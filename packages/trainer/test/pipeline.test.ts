import { OraclePolicy, RandomPolicy } from '@rl4vlm/policy';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/evaluate.js';
import { buildOracleDataset } from '../src/oracle-dataset.js';
import { runPpo } from '../src/ppo.js';
import { runSft } from '../src/sft.js';
import { CharPolicy } from './fixtures/char-policy.js';
import { makeNumberLine, numberLineText, oracleReply } from './fixtures/number-line.js';

describe('SFT then PPO on the fixture policy and NumberLine', () => {
  it('SFT learns the format from an imperfect oracle; PPO then raises the success rate', async () => {
    const policy = new CharPolicy(3);
    const examples = await buildOracleDataset({
      env: makeNumberLine(),
      teacher: new OraclePolicy((_p, info) => oracleReply(info)),
      // The imperfection is systematic: 60% of the replies say "+" whatever the state, so
      // greedy imitation goes the wrong way whenever the target is below.
      noisePolicy: new RandomPolicy({ labels: ['+'], format: (l) => `{"thoughts":"up","action":"${l}"}` }),
      noise: 0.6,
      episodes: 120,
      seed: 7,
    });
    const sft = await runSft({
      policy,
      examples,
      seed: 7,
      parse: numberLineText.parse,
      config: { epochs: 6, batchSize: 16, lr: 0.3, evalFraction: 0.2, evalGenerations: 32, maxNewTokens: 40 },
      log: () => {},
    });
    expect(sft.heldOut!.formatRate).toBeGreaterThan(0.9);
    const evalConfig = { episodes: 60, numEnvs: 8, temperature: 0, maxNewTokens: 40, seed: 555 };
    const evalEnvs = Array.from({ length: 8 }, makeNumberLine);
    const afterSft = await evaluate({ envs: evalEnvs, policy, config: evalConfig });
    const ppo = await runPpo({
      policy,
      envs: Array.from({ length: 8 }, makeNumberLine),
      seed: 7,
      config: {
        numUpdates: 6,
        stepsPerEnv: 16,
        epochs: 4,
        miniBatchSize: 16,
        generate: { temperature: 1, maxNewTokens: 40 },
        schedule: { lr: 0.05, cosineSteps: 6 },
        targetKl: null, // written before the 0.02 default
        maxGradNorm: 1,
      },
      log: () => {},
    });
    const afterPpo = await evaluate({ envs: evalEnvs, policy, config: evalConfig });
    console.log(
      `fixture: after SFT ${afterSft.successRate.toFixed(3)} → after PPO ${afterPpo.successRate.toFixed(3)}`,
      ppo.metrics.map((m) => m.successRate),
    );
    expect(afterSft.successRate).toBeLessThan(0.8);
    expect(afterPpo.successRate).toBeGreaterThan(afterSft.successRate);
    expect(ppo.metrics.at(-1)!.successRate).toBeGreaterThan(ppo.metrics[0]!.successRate as number);
  }, 180_000);
});
