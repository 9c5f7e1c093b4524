import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.js';
import { sizeProblems } from '../../src/config/size-limits.js';

const KEYS = [
  'ppo.numEnvs',
  'eval.numEnvs',
  'ppo.stepsPerEnv',
  'ppo.numUpdates',
  'eval.episodes',
  'sft.data.episodes',
  'sft.train.epochs',
  'ppo.miniBatchSize',
  'sft.train.batchSize',
];

describe('size limits', () => {
  it('pass the presets', () => {
    expect(sizeProblems(resolveConfig({ preset: 'smoke' }).config)).toEqual([]);
  });

  it('name every bounded key (so a renamed setting cannot slip out of its bound), and a product of two', () => {
    const config = resolveConfig({ preset: 'smoke', sets: KEYS.map((k) => `${k}=2000000`) }).config;
    expect(sizeProblems(config).map((p) => p.split(':')[0])).toEqual([
      'ppo.numEnvs',
      'eval.numEnvs',
      'ppo.numEnvs × ppo.stepsPerEnv',
      'ppo.numUpdates',
      'eval.episodes',
      'sft.data.episodes',
      'sft.train.epochs',
      'ppo.miniBatchSize',
      'sft.train.batchSize',
    ]);
    const product = resolveConfig({
      preset: 'smoke',
      sets: ['ppo.numEnvs=4000', 'ppo.stepsPerEnv=1000'],
    }).config;
    expect(sizeProblems(product)).toEqual([
      'ppo.numEnvs × ppo.stepsPerEnv: 4000000 is more than 1000000 (every sample of a rollout is held in memory)',
    ]);
  });
});
