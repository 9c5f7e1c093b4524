import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { NOISE_TARGETS } from './oracle-dataset.js';

/*
 * Every setting of the trainer, validated with zod. Defaults are sized for the `tiny` policy on
 * a laptop CPU; the RL4VLM value (NumberLine script, spec §3.7/§3.9) is given beside each one as
 * `[paper: …]` and collected in PAPER_PPO / PAPER_SFT.
 */

const positiveInt = z.number().int().positive();
const nonNegative = z.number().nonnegative();

/** How a reply is split into thought and action tokens. */
export const splitConfigSchema = z
  .object({
    /** `actionKey`: from the last `"action":` key [paper intent]; `lastTokens`: the last N tokens [what the paper's code ran]. */
    mode: z.enum(['actionKey', 'lastTokens']).default('actionKey'),
    /** No `"action":` key in the reply: `lastTokens` [paper fallback], `allThought` or `allAction`. */
    fallback: z.enum(['lastTokens', 'allThought', 'allAction']).default('lastTokens'),
    /** N for `lastTokens` [paper: 5]. */
    lastTokens: positiveInt.default(5),
  })
  .prefault({});

/** Learning-rate schedule. */
export const scheduleConfigSchema = z
  .object({
    /**
     * Peak learning rate [paper PPO: 1e-5 on a 7B model]. 1e-4, the CLI presets' value: at the old
     * default 1e-3 the trainer README's example moved the tiny policy by approx-KL 30, then 217.
     */
    lr: z.number().positive().default(1e-4),
    /** Floor of the cosine [paper: 1e-9]. */
    minLr: nonNegative.default(1e-9),
    /** Linear warm-up steps [paper PPO: 0]. */
    warmupSteps: z.number().int().nonnegative().default(0),
    /** Cosine length T_max in steps (PPO: updates) [paper PPO: 25]. */
    cosineSteps: z.number().int().nonnegative().default(25),
    /** After the cosine: `hold` at minLr, or `repeat` (torch's periodic CosineAnnealingLR) [paper: repeat, in effect]. */
    afterEnd: z.enum(['hold', 'repeat']).default('hold'),
  })
  .prefault({});

/** Adam [paper: β 0.9/0.999, eps 1e-7, weight decay 0]. */
export const adamConfigSchema = z
  .object({
    beta1: z.number().min(0).max(1).default(0.9),
    beta2: z.number().min(0).max(1).default(0.999),
    epsilon: z.number().positive().default(1e-7),
  })
  .prefault({});

/** Sampling during rollouts. */
export const generateConfigSchema = z
  .object({
    /** Sampling temperature [paper: 0.2]. */
    temperature: nonNegative.default(0.2),
    /** Nucleus sampling [paper: off = 1]. */
    topP: z.number().positive().max(1).default(1),
    /** Most tokens per reply [paper: 256]. */
    maxNewTokens: positiveInt.default(64),
  })
  .prefault({});

/** PPO settings. */
export const ppoConfigSchema = z
  .object({
    /** PPO updates (each = one rollout + optimisation) [paper NumberLine: 29 = 15000 // 512]. */
    numUpdates: positiveInt.default(4),
    /** Envs stepped together, one batched generate per step [paper: 1 per GPU process, 2 GPUs]. */
    numEnvs: positiveInt.default(4),
    /** Steps per env per rollout [paper: 512 (NumberLine, Blackjack), 1024 (EZPoints, Points24, ALFWorld)]. */
    stepsPerEnv: positiveInt.default(16),
    /** Passes over each rollout [paper: 4]. */
    epochs: positiveInt.default(4),
    /** Samples per scoring forward pass [paper: 1]. */
    miniBatchSize: positiveInt.default(8),
    /** Minibatches per optimizer step [paper: 128; ALFWorld 256]. */
    gradAccumSteps: positiveInt.default(1),
    /**
     * Samples per gradient chunk: each minibatch is cut into chunks of this size, scored in one
     * forward pass each, whose losses (weighted by their share of the minibatch) add up to the
     * minibatch's; the workers compute the chunks and the main thread sums them in chunk order.
     * Results depend on it, never on the worker count; `null` = one chunk per minibatch (runs
     * saved before this setting resume that way). The ratio guard is decided per chunk.
     */
    chunkSize: positiveInt.nullable().default(4),
    /** CoT coefficient λ on thought tokens [paper: 0.5 gym-cards, 0.2 ALFWorld; CLI default 1]. */
    thoughtCoef: z.number().min(0).max(1).default(0.5),
    /** Discount γ [paper: 0.9]. */
    gamma: z.number().min(0).max(1).default(0.9),
    /** GAE λ [paper: 0.95]. */
    gaeLambda: z.number().min(0).max(1).default(0.95),
    /** PPO clip ε [paper: 0.1]. */
    clipRatio: z.number().positive().default(0.1),
    /** Value clip; null = unclipped [paper: 0.1]. */
    valueClip: z.number().positive().nullable().default(0.1),
    /** Value-loss weight [paper: 0.5]. */
    valueCoef: nonNegative.default(0.5),
    /** Entropy bonus weight [paper: 0, the 0.01 flag is unused]. */
    entropyCoef: nonNegative.default(0),
    /** KL-to-start penalty weight; > 0 needs a reference policy [paper: 0, none]. */
    klCoef: nonNegative.default(0),
    /** If any ratio of a chunk (see `chunkSize`) exceeds this, use −clip(r)·A only; null = off [paper: 10, per sample]. */
    ratioGuard: z.number().positive().nullable().default(10),
    /** Global-norm gradient clip; null = off [paper: 0.01]. */
    maxGradNorm: z.number().positive().nullable().default(1),
    /**
     * Stop an update's epochs at the first minibatch whose approx-KL to the rollout policy exceeds
     * 1.5 × this (its gradient is dropped), as Stable-Baselines3's `target_kl`; null = off [paper: off].
     * A chain-of-thought reply's log-prob sums dozens of tokens, so small per-token changes make
     * large ratios: without it the first update of a CoT run moved the policy by KL ≈ 1.6.
     * Default 0.02 (the CLI presets' value) so a first run is stable; null reproduces the paper.
     */
    targetKl: z.number().positive().nullable().default(0.02),
    /** Normalise advantages over the rollout [paper: yes]. */
    normalizeAdvantages: z.boolean().default(true),
    /**
     * Old log-probs and values: `rescore` = one no-grad scoring pass after the rollout, so the
     * first ratio is exactly 1 [paper: llava_evaluate at rollout time]; `generation` = the
     * sampler's own log-probs and values.
     */
    oldLogProbs: z.enum(['rescore', 'generation']).default('rescore'),
    /** Temperature the update scores at; null = the sampling temperature [paper: 0.2, the same]. */
    scoreTemperature: nonNegative.nullable().default(null),
    generate: generateConfigSchema,
    split: splitConfigSchema,
    schedule: scheduleConfigSchema,
    adam: adamConfigSchema,
    /** Finished training episodes the windowed success rate averages over [paper: 200; Blackjack 1000]. */
    successWindow: positiveInt.default(200),
    /** A rollout whose format-error rate exceeds this is flagged as a chain-of-thought collapse. */
    collapseFormatErrorRate: z.number().min(0).max(1).default(0.5),
    /** A rollout whose reply diversity (distinct replies / replies) is below this is flagged. */
    collapseMinDiversity: z.number().min(0).max(1).default(0),
  })
  .prefault({});

/** SFT warm start. */
export const sftConfigSchema = z
  .object({
    /** Passes over the training split [paper: 1]. */
    epochs: positiveInt.default(3),
    /** Examples per optimizer step [paper: 64 = 16 × 4 GPUs]. */
    batchSize: positiveInt.default(8),
    /** Learning rate, warm-up ratio and cosine to 0 over all steps [paper: 2e-5, 0.03]. */
    lr: z.number().positive().default(2e-3),
    warmupRatio: z.number().min(0).max(1).default(0.03),
    /** Global-norm gradient clip; null = off [paper: 1.0, HF Trainer default]. */
    maxGradNorm: z.number().positive().nullable().default(1),
    /**
     * Examples per gradient chunk: a batch is cut into chunks of this size, the workers compute
     * their gradients and the main thread sums them in chunk order. Results depend on it, never on
     * the worker count; a batch has ⌈batchSize / chunkSize⌉ chunks to share out [paper: 16 per GPU].
     */
    chunkSize: positiveInt.default(4),
    /** Fraction held out for accuracy/format metrics [paper: none]. */
    evalFraction: z.number().min(0).max(0.9).default(0.2),
    /** Held-out examples generated for the accuracy/format metrics (greedy); 0 = none. */
    evalGenerations: z.number().int().nonnegative().default(32),
    /** Most tokens per held-out generation. */
    maxNewTokens: positiveInt.default(64),
    adam: adamConfigSchema,
  })
  .prefault({});

/** Seeded evaluation. */
export const evalConfigSchema = z
  .object({
    /** Episodes, seeded `seed + i` [paper: none; it reports a 200-episode training window]. */
    episodes: positiveInt.default(50),
    /** Envs run together. */
    numEnvs: positiveInt.default(8),
    /** 0 = greedy [paper samples at 0.2]. */
    temperature: nonNegative.default(0),
    maxNewTokens: positiveInt.default(64),
    /** Episode seeds start here. */
    seed: z.number().int().default(1_000_000),
    /** Keep rendered frames in the episode records (needs envs with `render`). */
    recordFrames: z.boolean().default(false),
    /** A safety cap on steps per episode. */
    maxEpisodeSteps: positiveInt.default(100),
  })
  .prefault({});

/** Checkpoints. */
export const checkpointConfigSchema = z
  .object({
    /** Write one every K updates and at the end [paper: never saves]. */
    every: positiveInt.default(1),
    /** Complete checkpoints kept; older ones are deleted once a newer one is complete. */
    keepLast: positiveInt.default(2),
  })
  .prefault({});

/** SFT data from an env's oracle. */
export const oracleDataConfigSchema = z
  .object({
    /** Episodes played to collect (prompt, reply) pairs. */
    episodes: positiveInt.default(64),
    /** Probability that a step's reply comes from the noise policy instead (a deliberately imperfect teacher). */
    noise: z.number().min(0).max(1).default(0),
    /**
     * What a noise step records: `noise` (the reply played: an imperfect dataset) or `teacher`
     * (the teacher's reply to the state the slip led to: DART-style recovery data).
     */
    noiseTarget: z.enum(NOISE_TARGETS).default('noise'),
    maxEpisodeSteps: positiveInt.default(50),
    /**
     * Seed of the episodes played; null = the run seed. A second SFT round from a checkpoint
     * sets another, so it sees episodes the first round did not.
     */
    seed: z.number().int().nullable().default(null),
  })
  .prefault({});

/** Everything `train()` needs: which env and policy, and each stage's settings. */
export const trainConfigSchema = z.object({
  /** Run seed [paper: 1]. */
  seed: z.number().int().default(1),
  /** Run folder: metrics.jsonl, checkpoints/, eval-*.json. */
  runDir: z.string().min(1),
  /**
   * Policy replicas working in parallel, each on its own worker thread with its own tensor
   * engine (1 = in-process). Results do not depend on it. Default: the machine's cores.
   */
  workers: positiveInt.default(() => availableParallelism()),
  env: z.object({
    /** Registry id, e.g. `gym-cards/NumberLine-v0`. */
    id: z.string().min(1),
    kwargs: z.record(z.string(), z.unknown()).default({}),
    /** Text-layer options, e.g. `{cot: true}`. */
    text: z.record(z.string(), z.unknown()).default({ cot: true }),
  }),
  policy: z.object({
    /** Policy id, e.g. `tfjs:tiny`. */
    id: z.string().min(1),
    options: z.record(z.string(), z.unknown()).default({}),
  }),
  /** SFT before RL; omit to skip. */
  sft: z.object({ data: oracleDataConfigSchema, train: sftConfigSchema }).optional(),
  /** The RL algorithm's id: `ppo` [paper], `grpo`, `rloo`, `gigpo`, or a plugin's. */
  algorithm: z.string().min(1).default('ppo'),
  /**
   * Each algorithm's own settings, keyed by its id (`algorithms: {gigpo: {groupSize: 8}}`), each
   * validated by that algorithm's schema; only the chosen algorithm's are used, so switching
   * with `--algorithm` keeps the others for later.
   */
  algorithms: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  /** Shared RL settings: rollout, optimiser, clipped loss (and PPO's GAE/value settings). */
  ppo: ppoConfigSchema,
  eval: evalConfigSchema,
  checkpoint: checkpointConfigSchema,
});

export type SplitConfig = z.infer<typeof splitConfigSchema>;
export type ScheduleConfig = z.infer<typeof scheduleConfigSchema>;
export type AdamConfig = z.infer<typeof adamConfigSchema>;
export type PpoConfig = z.infer<typeof ppoConfigSchema>;
/** The shared RL settings every algorithm reads (the `ppo` config section). */
export type RlConfig = PpoConfig;
export type SftConfig = z.infer<typeof sftConfigSchema>;
export type EvalConfig = z.infer<typeof evalConfigSchema>;
export type CheckpointConfig = z.infer<typeof checkpointConfigSchema>;
export type OracleDataConfig = z.infer<typeof oracleDataConfigSchema>;
export type TrainConfig = z.infer<typeof trainConfigSchema>;
/** What a user writes: every key with a default may be left out. */
export type TrainConfigInput = z.input<typeof trainConfigSchema>;
export type PpoConfigInput = z.input<typeof ppoConfigSchema>;
export type SftConfigInput = z.input<typeof sftConfigSchema>;
export type EvalConfigInput = z.input<typeof evalConfigSchema>;

/** Thrown for a config that does not validate; lists each key, what was wrong and what was given. */
export class InvalidConfigError extends Error {
  readonly problems: string[];
  constructor(what: string, problems: string[]) {
    super(`Invalid ${what} config:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidConfigError';
    this.problems = problems;
  }
}

function parseWith<S extends z.ZodType>(schema: S, what: string, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  throw new InvalidConfigError(
    what,
    parsed.error.issues.map((issue) => {
      const key = issue.path.join('.') || '(root)';
      const got = issue.path.reduce<unknown>(
        (v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k],
        value,
      );
      return `${key}: ${issue.message} (got ${JSON.stringify(got)})`;
    }),
  );
}

/** Validates a PPO config and fills in defaults. */
export const resolvePpoConfig = (c?: PpoConfigInput): PpoConfig => parseWith(ppoConfigSchema, 'PPO', c);
/** Validates an SFT config and fills in defaults. */
export const resolveSftConfig = (c?: SftConfigInput): SftConfig => parseWith(sftConfigSchema, 'SFT', c);
/** Validates an evaluation config and fills in defaults. */
export const resolveEvalConfig = (c?: EvalConfigInput): EvalConfig => parseWith(evalConfigSchema, 'eval', c);
/** Validates a full training config and fills in defaults. */
export const resolveTrainConfig = (c: TrainConfigInput): TrainConfig =>
  parseWith(trainConfigSchema, 'train', c);

/** The RL4VLM gym-cards PPO settings (NumberLine script), for `resolvePpoConfig(PAPER_PPO)`. */
export const PAPER_PPO: PpoConfigInput = {
  numUpdates: 29,
  numEnvs: 1,
  stepsPerEnv: 512,
  epochs: 4,
  miniBatchSize: 1,
  gradAccumSteps: 128,
  thoughtCoef: 0.5,
  gamma: 0.9,
  gaeLambda: 0.95,
  clipRatio: 0.1,
  valueClip: 0.1,
  valueCoef: 0.5,
  entropyCoef: 0,
  klCoef: 0,
  ratioGuard: 10,
  maxGradNorm: 0.01,
  targetKl: null,
  oldLogProbs: 'rescore',
  generate: { temperature: 0.2, topP: 1, maxNewTokens: 256 },
  split: { mode: 'lastTokens', lastTokens: 5 },
  schedule: { lr: 1e-5, minLr: 1e-9, warmupSteps: 0, cosineSteps: 25, afterEnd: 'repeat' },
  adam: { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  successWindow: 200,
};

/** The RL4VLM SFT settings (`finetune.sh`). */
export const PAPER_SFT: SftConfigInput = {
  epochs: 1,
  batchSize: 64,
  lr: 2e-5,
  warmupRatio: 0.03,
  maxGradNorm: 1,
  evalFraction: 0,
};
