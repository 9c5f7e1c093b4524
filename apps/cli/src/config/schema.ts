import { trainConfigSchema } from '@rl4vlm/trainer';
import { z } from 'zod';

/** The training stages `rl4vlm train` can run, in this order. */
export const STAGES = ['sft', 'ppo'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * The app's config: the trainer's config (env, policy, sft, ppo, eval, checkpoint, seed) without
 * `runDir`, which the app derives from `runsDir` and `name`, plus what only the app knows about.
 * Every key is checked: an unknown key is an error naming it (see `findUnknownKeys`).
 */
export const appConfigSchema = trainConfigSchema
  .omit({ runDir: true, sft: true, policy: true })
  .extend({
    /** The run's name: its folder is `<runsDir>/<name>`. Default: `<env>-<date>`. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
        message: "must be a folder name: letters, digits, '.', '_', '-'",
      })
      .optional(),
    /** Where run folders go. */
    runsDir: z.string().min(1).default('runs'),
    /** Plugin packages (names or paths) to load besides the built-in ones. */
    plugins: z.array(z.string().min(1)).default([]),
    /** Also load installed packages that declare `"rl4vlm": {"plugin": ...}` in package.json. */
    discover: z.boolean().default(false),
    /** Which stages to run: SFT warm start then PPO, or either alone. */
    stages: z
      .array(z.enum(STAGES, { message: `must be one of ${STAGES.map((s) => `'${s}'`).join(', ')}` }))
      .min(1, { message: "must name at least one stage: 'sft', 'ppo'" })
      .default(['sft', 'ppo']),
    policy: z
      .object({
        /** Policy id: `tfjs:tiny`, `tfjs:small`, `tfjs:<checkpoint dir>`, or a plugin's kind. */
        id: z.string().min(1).default('tfjs:tiny'),
        options: z.record(z.string(), z.unknown()).default({}),
      })
      .prefault({}),
    /** SFT data and training settings (used when `stages` has `sft`). */
    sft: trainConfigSchema.shape.sft.unwrap().prefault({}),
    /**
     * Where PPO's rollouts are played: `local` (this process) or `redis` (rollout workers started
     * with `rl4vlm rollout-worker --redis <url>` on any machine; see "Train across machines").
     */
    rollout: z
      .object({
        backend: z.enum(['local', 'redis'], { message: "must be 'local' or 'redis'" }).default('local'),
        /** `redis://[user@]host:port[/db]`, `rediss://` for TLS. Put the password in RL4VLM_REDIS_PASSWORD, not here: the config is saved with the run. */
        url: z.string().min(1).optional(),
        /** BullMQ queue name; the workers' `--queue` must match. */
        queue: z.string().min(1).default('rl4vlm-rollouts'),
        /** Jobs per update: the envs are split into this many ranges (at least the number of workers). */
        jobsPerUpdate: z.number().int().positive().default(4),
        /**
         * 0: synchronous (every sample from the current weights; equals the local run). 1: the next
         * update's rollouts play while the learner updates, one version old; needs
         * `ppo.oldLogProbs: generation` so the ratio is taken against the behaviour log-probs.
         */
        staleness: z.union([z.literal(0), z.literal(1)], { message: 'must be 0 or 1' }).default(0),
        /** Tries per job before the run stops with its error. */
        attempts: z.number().int().positive().default(3),
        /** How long Redis may be unreachable before the run stops (its last checkpoint intact). */
        unreachableAfterSeconds: z.number().positive().default(30),
        /** TLS with these PEM files (implies TLS). */
        tls: z
          .object({
            ca: z.string().optional(),
            cert: z.string().optional(),
            key: z.string().optional(),
            rejectUnauthorized: z.boolean().default(true),
          })
          .optional(),
        /** Where each policy version is published: in Redis, or as files in `dir` (mounted by every worker, or served at `baseUrl`). */
        weights: z
          .object({
            store: z.enum(['redis', 'file', 'url']).default('redis'),
            dir: z.string().optional(),
            baseUrl: z.string().optional(),
          })
          .prefault({}),
      })
      .refine((r) => r.backend !== 'redis' || r.url !== undefined, {
        message: "is required when rollout.backend is 'redis' (e.g. redis://127.0.0.1:6379)",
        path: ['url'],
      })
      .refine((r) => r.weights.store === 'redis' || r.weights.dir !== undefined, {
        message: "is required when rollout.weights.store is 'file' or 'url'",
        path: ['weights', 'dir'],
      })
      .refine((r) => r.weights.store !== 'url' || r.weights.baseUrl !== undefined, {
        message: "is required when rollout.weights.store is 'url'",
        path: ['weights', 'baseUrl'],
      })
      .prefault({}),
    /** Episodes of each evaluation kept with frames for the report's gallery. */
    gallery: z.object({ episodes: z.number().int().nonnegative().default(4) }).prefault({}),
  })
  .refine((c) => c.rollout.staleness === 0 || c.ppo.oldLogProbs === 'generation', {
    message:
      "rollout.staleness 1 needs ppo.oldLogProbs: 'generation' (the ratio must be taken against the log-probs of the policy that played)",
    path: ['rollout', 'staleness'],
  });

/** A resolved app config. */
export type AppConfig = z.infer<typeof appConfigSchema>;
/** What a user writes: every key with a default may be left out. */
export type AppConfigInput = z.input<typeof appConfigSchema>;
