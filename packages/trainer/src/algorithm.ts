import { checkPluginManifest, type FieldProblem, PluginManifestError } from '@rl4vlm/env';
import { z } from 'zod';
import type { PpoConfig } from './config.js';
import type { PpoLossInput, PpoLossOutput } from './ppo-loss.js';
import type { EpisodeSummary, RolloutSample } from './rollout.js';

/** The algorithm plugin specification this version of `@rl4vlm/trainer` implements. */
export const ALGORITHM_SPECIFICATION_VERSION = 'rl4vlm.algorithm/v1';

/** Algorithm ids are lower-case words: `ppo`, `grpo`, `my-reinforce`. */
export const ALGORITHM_ID_PATTERN = /^[a-z][a-z0-9_-]*$/;

/**
 * How an algorithm collects experience for one update.
 * - `steps`: every env plays `rl.stepsPerEnv` steps, auto-resetting; episodes still running at
 *   the end are cut there (PPO bootstraps them with V(s_T)).
 * - `groups`: `groups` initial states (seeds) × `groupSize` copies of each, every copy reset with
 *   the same seed and played to its episode's end (or `maxEpisodeSteps`, where it is cut).
 */
export type CollectPlan =
  | { kind: 'steps' }
  | { kind: 'groups'; groups: number; groupSize: number; maxEpisodeSteps: number };

/** The frozen facts of one update's experience, flat, in a fixed order. */
export interface Experience {
  /**
   * One sample per step (one reply). Steps mode: time-major, `samples[t·numEnvs + n]`; groups
   * mode: trajectory by trajectory, group by group. Never mutated after collection.
   */
  samples: readonly RolloutSample[];
  /** Finished (or cut) episodes, with their return. */
  episodes: readonly EpisodeSummary[];
  /** Steps mode only: envs stepped together, the bootstrap prompts' "episode already over" flags. */
  numEnvs?: number;
  lastDones?: readonly boolean[];
  generatedTokens: number;
  seconds: number;
}

/** What an advantage function gets: the experience, the columns scored for it, and the settings. */
export interface AdvantageInput<S> {
  experience: Experience;
  /** V(s) per sample, scored before the update (only for algorithms with `critic: true`; else zeros). */
  values: readonly number[];
  /** Steps mode with a critic: V of the state after each env's last step (0 where that step ended its episode). */
  bootstrapValues?: readonly number[];
  /** The algorithm's own settings, validated by its schema. */
  settings: S;
  /** The shared RL settings (γ, GAE λ, advantage normalisation, …). */
  rl: PpoConfig;
}

/** Per-sample advantages, value targets (critic only) and the algorithm's own per-update metrics. */
export interface AdvantageOutput {
  advantages: number[];
  /** Value targets, per sample; required when `critic` is true. */
  returns?: number[];
  /** Extra numbers for the metrics record (e.g. `groupReturnSpread`, `stepGroupShare`). */
  metrics?: Record<string, number | null>;
}

/**
 * A training algorithm for `runRl`: its id, its settings schema, how it collects experience,
 * a pure advantage function and (optionally) its loss. The loop does everything else — rollouts,
 * re-scoring, minibatches, gradient accumulation, the KL stop, checkpoints and exact resume — the
 * same way for every algorithm, and the chain-of-thought weighting λ is always applied to the
 * reply's log-probability before the loss sees it.
 *
 * @example
 * const reinforce = defineAlgorithm({
 *   id: 'reinforce',
 *   description: 'REINFORCE with a group-mean baseline',
 *   settings: z.strictObject({ groupSize: z.number().int().min(1).default(4) }),
 *   critic: false,
 *   collect: (s) => ({ kind: 'groups', groups: 4, groupSize: s.groupSize, maxEpisodeSteps: 20 }),
 *   advantages: ({ experience }) => ({ advantages: episodeReturns(experience).map(…) }),
 * });
 */
export interface Algorithm<S = any> {
  id: string;
  description: string;
  /** zod schema of `algorithm.settings`; every key should have a default. */
  settings: z.ZodType<S>;
  /** True when the algorithm trains the value head: values are scored and a value loss added. */
  critic: boolean;
  collect(settings: S, rl: PpoConfig): CollectPlan;
  /** Per-sample advantages: a pure function of its input, testable by hand. */
  advantages(input: AdvantageInput<S>): AdvantageOutput;
  /**
   * The minibatch loss; default PPO's clipped ratio (with a value loss when `critic`), the k3 KL
   * to the reference policy when `rl.klCoef > 0`, the entropy bonus. `input.tokenWeights` already
   * carries λ; build the loss from `loss-pieces` (`sequenceLogProb`, `clippedSurrogate`, …) and
   * return every statistic (zeros where it has none): `approxKl` drives `rl.targetKl`.
   */
  loss?(input: PpoLossInput, settings: S, rl: PpoConfig): PpoLossOutput;
}

/** Identity helper that keeps an algorithm's settings type inferred from its schema. */
export function defineAlgorithm<S>(algorithm: Algorithm<S>): Algorithm<S> {
  return algorithm;
}

/**
 * What an algorithm plugin package exports by default.
 *
 * @example
 * export default {
 *   specificationVersion: 'rl4vlm.algorithm/v1',
 *   name: 'rl4vlm-algorithm-reinforce',
 *   version: '1.0.0',
 *   algorithms: [reinforce],
 * } satisfies AlgorithmPluginManifest;
 */
export interface AlgorithmPluginManifest {
  specificationVersion: typeof ALGORITHM_SPECIFICATION_VERSION;
  name: string;
  version: string;
  description?: string;
  algorithms: Algorithm[];
}

const isFunction = (v: unknown) => typeof v === 'function';
const isZodSchema = (v: unknown) =>
  typeof v === 'object' && v !== null && typeof (v as { safeParse?: unknown }).safeParse === 'function';

const algorithmSchema = z.object({
  id: z.string().regex(ALGORITHM_ID_PATTERN, {
    message: "must be a lower-case word such as 'grpo' (letters, digits, '-', '_')",
  }),
  description: z.string({ message: 'must be a string' }),
  settings: z.custom<z.ZodType>(isZodSchema, { message: 'must be a zod schema (with safeParse)' }),
  critic: z.boolean({ message: 'must be true or false' }),
  collect: z.custom(isFunction, { message: 'must be a function (settings, rl) => CollectPlan' }),
  advantages: z.custom(isFunction, { message: 'must be a function (input) => { advantages }' }),
  loss: z.custom(isFunction, { message: 'must be a function when given' }).optional(),
});

const manifestSchema = z.object({
  specificationVersion: z.literal(ALGORITHM_SPECIFICATION_VERSION, {
    message: `must be '${ALGORITHM_SPECIFICATION_VERSION}'`,
  }),
  name: z.string().min(1, { message: 'must be a non-empty string' }),
  version: z.string().regex(/^\d+\.\d+\.\d+/, { message: "must be a semver version such as '1.0.0'" }),
  description: z.string().optional(),
  algorithms: z.array(algorithmSchema).min(1, { message: 'must list at least one algorithm' }),
});

/** Thrown for a manifest that does not follow {@link AlgorithmPluginManifest}; names the source and each bad field. */
export class InvalidAlgorithmManifestError extends PluginManifestError {
  constructor(source: string, problems: FieldProblem[]) {
    super('algorithm', source, problems);
    this.name = 'InvalidAlgorithmManifestError';
  }
}

/** Checks that `value` is a valid algorithm plugin manifest and returns it typed; `source` is named in errors. */
export function validateAlgorithmManifest(
  value: unknown,
  source = 'an unnamed plugin',
): AlgorithmPluginManifest {
  return checkPluginManifest(value, {
    schema: manifestSchema,
    listField: 'algorithms',
    fail: (problems) => new InvalidAlgorithmManifestError(source, problems),
  });
}
