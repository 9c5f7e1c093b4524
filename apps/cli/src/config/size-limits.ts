import type { AppConfig } from './schema.js';

/**
 * Upper bounds on the sizes a run allocates up front. The schema only asks for positive
 * integers, so `ppo.numEnvs=1e12` used to pass and fail after SFT with `Invalid array length`;
 * these bounds are far above any run this CPU trainer can do, and name the key when crossed.
 * Each limit applies to the product of the settings it names (one setting, or two that multiply).
 */
const LIMITS: { keys: string[]; max: number; why: string }[] = [
  { keys: ['ppo.numEnvs'], max: 4096, why: 'each env is a live object stepped together' },
  { keys: ['eval.numEnvs'], max: 4096, why: 'each env is a live object stepped together' },
  {
    keys: ['ppo.numEnvs', 'ppo.stepsPerEnv'],
    max: 1_000_000,
    why: 'every sample of a rollout is held in memory',
  },
  { keys: ['ppo.numUpdates'], max: 1_000_000, why: 'a checkpoint and a metrics line each' },
  { keys: ['eval.episodes'], max: 1_000_000, why: 'every episode is kept for the report' },
  { keys: ['sft.data.episodes'], max: 1_000_000, why: 'the dataset is held in memory' },
  { keys: ['sft.train.epochs'], max: 100_000, why: 'one checkpoint per epoch' },
  { keys: ['ppo.miniBatchSize'], max: 65_536, why: 'one forward pass holds the batch' },
  { keys: ['sft.train.batchSize'], max: 65_536, why: 'one forward pass holds the batch' },
];

/** The number at a dotted key of the config (`sft.train.epochs`), or undefined where there is none. */
function sizeAt(config: AppConfig, key: string): number | undefined {
  let value: unknown = config;
  for (const part of key.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
  return typeof value === 'number' ? value : undefined;
}

/** The size settings of `config` over their bounds, each as `key: value is more than max (why)`. */
export function sizeProblems(config: AppConfig): string[] {
  const problems: string[] = [];
  for (const { keys, max, why } of LIMITS) {
    const sizes = keys.map((key) => sizeAt(config, key));
    if (sizes.some((size) => size === undefined)) continue;
    const value = (sizes as number[]).reduce((a, b) => a * b, 1);
    if (value > max) problems.push(`${keys.join(' × ')}: ${value} is more than ${max} (${why})`);
  }
  return problems;
}
