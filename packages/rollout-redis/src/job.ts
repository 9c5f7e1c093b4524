import { createHash } from 'node:crypto';
import { z } from 'zod';
import { weightsRefSchema } from './weights.js';

/** The default BullMQ queue name. */
export const DEFAULT_QUEUE = 'rl4vlm-rollouts';
/** BullMQ key prefix of every queue this package makes. */
export const QUEUE_PREFIX = 'rl4vlm';

/**
 * One rollout job: "play envs `[envOffset, envOffset + numEnvs)` for `numSteps` steps with policy
 * version `weights.version`, these generation settings". `env` and `policy` are opaque specs
 * the worker builds from (in the CLI: the run's env and policy config); every seed derives from
 * `(seed, update, global env index)`, so the job's result does not depend on which worker plays it.
 */
export const rolloutJobSchema = z.object({
  format: z.literal('rl4vlm.rollout-job/v1'),
  runId: z.string().min(1),
  update: z.number().int().nonnegative(),
  shard: z.number().int().nonnegative(),
  seed: z.number().int(),
  envOffset: z.number().int().nonnegative(),
  numEnvs: z.number().int().positive(),
  numSteps: z.number().int().positive(),
  generate: z.record(z.string(), z.unknown()),
  env: z.unknown(),
  policy: z.unknown(),
  weights: weightsRefSchema,
});
export type RolloutJob = z.infer<typeof rolloutJobSchema>;

/** One env step as a worker returns it: no prompt, no images (the learner replays its own envs). */
export const stepRecordSchema = z.object({
  tokenIds: z.array(z.number().int()),
  logProbs: z.array(z.number()),
  text: z.string(),
  value: z.number().optional(),
  promptTokenIds: z.array(z.number().int()).optional(),
  /** sha256 of the prompt text, first 16 hex digits: the learner checks its replay against it. */
  promptHash: z.string(),
  reward: z.number(),
  terminated: z.boolean(),
  truncated: z.boolean(),
});
export type StepRecord = z.infer<typeof stepRecordSchema>;

/** What a worker returns for a job. `steps[t][i]` is step t of env `envOffset + i`. */
export const rolloutResultSchema = z.object({
  format: z.literal('rl4vlm.rollout-result/v1'),
  jobId: z.string(),
  update: z.number().int(),
  envOffset: z.number().int(),
  weightsSha256: z.string(),
  worker: z.string(),
  seconds: z.number(),
  steps: z.array(z.array(stepRecordSchema)),
});
export type RolloutResult = z.infer<typeof rolloutResultSchema>;

/**
 * The job's id: the same (run, update, shard) always names the same job, so adding it again
 * (a learner retrying after an outage) never duplicates it, and a retry's result replaces the
 * first try's. BullMQ ids may not contain ':'.
 */
export const rolloutJobId = (runId: string, update: number, shard: number): string =>
  `${runId}.u${update}.s${shard}`;

export const promptHash = (text: string): string =>
  createHash('sha256').update(text).digest('hex').slice(0, 16);
