/**
 * The real thing, end to end on CPU: `tfjs:tiny` (policy-tfjs, wasm backend) on
 * `gym-cards/NumberLine-v0` through `train()` — oracle SFT data with deliberate noise, SFT,
 * evaluation, PPO with checkpoints, evaluation — then resume from the checkpoint.
 *
 * Sized for speed, it checks the mechanics with the real model (real tokenizer offsets for
 * the thought/action split, finite losses, metrics lines, checkpoint → load → identical
 * replies). The learning claim with the same model (PPO and GiGPO beat SFT on the same seeded
 * episodes) is e2e-rl-beats-sft.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOracle } from '@rl4vlm/gym-cards';
import { TfjsPolicy } from '@rl4vlm/policy-tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { splitThoughtAction } from '../src/action-split.js';
import { findLatestCheckpoint } from '../src/checkpoint.js';
import { readJsonLines } from '../src/metrics.js';
import { train } from '../src/train.js';
import { tinyNumberLineDeps } from './fixtures/tiny-number-line.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('tfjs:tiny on gym-cards/NumberLine-v0', () => {
  it('splits a real CoT reply at the "action": key using the real tokenizer offsets', async () => {
    const policy = await TfjsPolicy.create('tiny');
    const { envs } = tinyNumberLineDeps();
    const env = envs.make('gym-cards/NumberLine-v0');
    const { info } = await env.reset({ seed: 3 });
    const reply = createOracle('gym-cards/NumberLine-v0').reply(info, { cot: true });
    const ids = [...policy.tokenizer.encode(reply), policy.tokenizer.eosId];
    const split = splitThoughtAction(ids, policy.tokenizer);
    expect(split.foundKey).toBe(true);
    const action = policy.tokenizer.decode(ids.slice(split.actionStart));
    const thought = policy.tokenizer.decode(ids.slice(0, split.actionStart));
    expect(action.replace(/\s/g, '')).toMatch(/^"?action":"[+-]"}$/);
    expect(thought).toContain('thoughts');
    expect(split.actionStart).toBeGreaterThan(10);
    policy.dispose?.();
  });

  it('train(): SFT on a noisy oracle → eval → PPO with checkpoints → eval, then resume', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'trainer-e2e-'));
    dirs.push(runDir);
    const deps = tinyNumberLineDeps();
    const { envs, policies } = deps;
    const config = {
      seed: 1,
      runDir,
      env: { id: 'gym-cards/NumberLine-v0', text: { cot: false } },
      policy: { id: 'tfjs:tiny' },
      sft: {
        data: { episodes: 12, noise: 0.3 },
        train: {
          epochs: 1,
          batchSize: 8,
          lr: 2e-3,
          evalFraction: 0.25,
          evalGenerations: 8,
          maxNewTokens: 12,
        },
      },
      ppo: {
        numUpdates: 2,
        numEnvs: 4,
        stepsPerEnv: 3,
        epochs: 1,
        miniBatchSize: 6,
        gradAccumSteps: 2,
        generate: { temperature: 1, maxNewTokens: 12 },
        schedule: { lr: 1e-3 },
        targetKl: null, // written before the 0.02 default
      },
      eval: { episodes: 8, numEnvs: 4, maxNewTokens: 12, maxEpisodeSteps: 12 },
      checkpoint: { every: 1 },
    };
    const result = await train(config, deps);
    expect(result.sft!.heldOut!.formatRate).not.toBeNull();
    expect(result.evalAfterSft!.episodes).toBe(8);
    expect(result.ppo.updatesDone).toBe(2);
    for (const m of result.ppo.metrics) {
      for (const k of [
        'policyLoss',
        'valueLoss',
        'approxKl',
        'clipFraction',
        'lr',
        'formatErrorRate',
        'replyDiversity',
      ])
        expect(Number.isFinite(m[k] as number), k).toBe(true);
      expect(m.skippedOptimizerSteps).toBe(0);
    }
    expect(result.evalFinal!.successInterval.high).toBeGreaterThanOrEqual(result.evalFinal!.successRate);
    const lines = readJsonLines(join(runDir, 'metrics.jsonl'));
    expect(lines.filter((l) => l.phase === 'rl').map((l) => l.update)).toEqual([0, 1]);
    expect(lines.some((l) => l.phase === 'sft-eval')).toBe(true);
    expect(
      JSON.parse(readFileSync(join(runDir, 'eval-final.json'), 'utf8')).records[0].steps[0].text,
    ).toBeTypeOf('string');

    // The checkpoint holds the trained weights: a fresh policy loaded from it replies identically.
    const ckpt = findLatestCheckpoint(join(runDir, 'checkpoints'))!;
    const fresh = (await policies.create('tfjs:tiny')) as TfjsPolicy;
    await fresh.load(join(ckpt, 'policy'));
    const env = envs.make('gym-cards/NumberLine-v0');
    const { observation } = await env.reset({ seed: 5 });
    const prompt = envs.spec('gym-cards/NumberLine-v0').text!({ cot: false }).prompt(observation, {});
    const trained = (await policies.create(`tfjs:${join(ckpt, 'policy')}`)) as TfjsPolicy;
    const [a] = await fresh.generate([prompt], { temperature: 1, seed: 9, maxNewTokens: 12 });
    const [b] = await trained.generate([prompt], { temperature: 1, seed: 9, maxNewTokens: 12 });
    expect(a!.tokenIds).toEqual(b!.tokenIds);

    // Resuming a finished run does no more updates and keeps the metrics file whole.
    const again = await train(
      { ...config, ppo: { ...config.ppo } },
      { policies, envs, resume: true, log: () => {} },
    );
    expect(again.ppo.metrics).toHaveLength(0);
    expect(readJsonLines(join(runDir, 'metrics.jsonl')).filter((l) => l.phase === 'rl')).toHaveLength(2);
  }, 240_000);
});
