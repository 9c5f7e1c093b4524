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
export const appConfigSchema = trainConfigSchema.omit({ runDir: true, sft: true, policy: true }).extend({
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
  /** Episodes of each evaluation kept with frames for the report's gallery. */
  gallery: z.object({ episodes: z.number().int().nonnegative().default(4) }).prefault({}),
});

/** A resolved app config. */
export type AppConfig = z.infer<typeof appConfigSchema>;
/** What a user writes: every key with a default may be left out. */
export type AppConfigInput = z.input<typeof appConfigSchema>;
