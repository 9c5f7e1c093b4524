import type { AppConfig } from './schema.js';

/**
 * Upper bounds on the sizes a run allocates up front. The schema only asks for positive
 * integers, so `ppo.numEnvs=1e12` used to pass and fail after SFT with `Invalid array length`;
 * these bounds are far above any run this CPU trainer can do, and name the key when crossed.
 */
const LIMITS: { key: string; max: number; get: (c: AppConfig) => number | undefined; why: string }[] = [
  {
    key: 'ppo.numEnvs',
    max: 4096,
    get: (c) => c.ppo.numEnvs,
    why: 'each env is a live object stepped together',
  },
  {
    key: 'eval.numEnvs',
    max: 4096,
    get: (c) => c.eval.numEnvs,
    why: 'each env is a live object stepped together',
  },
  {
    key: 'ppo.numEnvs × ppo.stepsPerEnv',
    max: 1_000_000,
    get: (c) => c.ppo.numEnvs * c.ppo.stepsPerEnv,
    why: 'every sample of a rollout is held in memory',
  },
  {
    key: 'ppo.numUpdates',
    max: 1_000_000,
    get: (c) => c.ppo.numUpdates,
    why: 'a checkpoint and a metrics line each',
  },
  {
    key: 'eval.episodes',
    max: 1_000_000,
    get: (c) => c.eval.episodes,
    why: 'every episode is kept for the report',
  },
  {
    key: 'sft.data.episodes',
    max: 1_000_000,
    get: (c) => c.sft.data.episodes,
    why: 'the dataset is held in memory',
  },
  { key: 'sft.train.epochs', max: 100_000, get: (c) => c.sft.train.epochs, why: 'one checkpoint per epoch' },
  {
    key: 'ppo.miniBatchSize',
    max: 65_536,
    get: (c) => c.ppo.miniBatchSize,
    why: 'one forward pass holds the batch',
  },
  {
    key: 'sft.train.batchSize',
    max: 65_536,
    get: (c) => c.sft.train.batchSize,
    why: 'one forward pass holds the batch',
  },
];

/** The size settings of `config` over their bounds, each as `key: value is more than max (why)`. */
export function sizeProblems(config: AppConfig): string[] {
  const problems: string[] = [];
  for (const { key, max, get, why } of LIMITS) {
    const value = get(config);
    if (value !== undefined && value > max) problems.push(`${key}: ${value} is more than ${max} (${why})`);
  }
  return problems;
}
