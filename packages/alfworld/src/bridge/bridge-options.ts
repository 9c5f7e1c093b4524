import { z } from 'zod';
import { TASK_TYPES } from '../household/task-types.js';

/** Per-request deadlines in milliseconds; a request past its deadline kills and restarts the sidecar. */
export const timeoutsSchema = z
  .object({
    /** From spawn to the server's `ready` event. */
    startupMs: z.number().int().positive().default(30_000),
    /** `init`: loading ALFWorld's games, or starting THOR, can take minutes. */
    initMs: z.number().int().positive().default(600_000),
    /** `reset`: a THOR reset loads a scene. */
    resetMs: z.number().int().positive().default(120_000),
    /** `step`. */
    stepMs: z.number().int().positive().default(60_000),
    /** `close`, before the process is killed. */
    closeMs: z.number().int().positive().default(5_000),
  })
  .strict();

/** Options of {@link AlfworldEnv} (`alfworld/Bridge-v0` kwargs, without `reward`). */
export const bridgeOptionsSchema = z
  .object({
    /** Python interpreter with ALFWorld installed (default: `$ALFWORLD_PYTHON` or `python3`). */
    python: z.string().min(1).optional(),
    /** Path of the sidecar server (default: the package's `python/alfworld_server.py`). */
    serverPath: z.string().min(1).optional(),
    /** `alfworld`: the real ALFWorld. `fake`: the small stdlib household the tests use. */
    backend: z.enum(['alfworld', 'fake']).default('alfworld'),
    /** ALFWorld env class: TextWorld (`tw`, text only), THOR (`thor`, frames; needs X and a GPU), or `hybrid`. */
    envType: z.enum(['tw', 'thor', 'hybrid']).default('tw'),
    /** Data split. */
    split: z.enum(['train', 'valid_seen', 'valid_unseen']).default('train'),
    /** Task types to play (default: all six). */
    taskTypes: z.array(z.enum(TASK_TYPES)).min(1).optional(),
    /** THOR text controller (`oracle` in RL4VLM). */
    controller: z.enum(['oracle', 'oracle_astar', 'mrcnn', 'mrcnn_astar']).optional(),
    /** An ALFWorld YAML config (e.g. the repository's `configs/base_config.yaml`); built-in defaults otherwise. */
    configPath: z.string().min(1).optional(),
    /** Where `alfworld-download` put the data (sets `ALFWORLD_DATA` for the sidecar). */
    dataPath: z.string().min(1).optional(),
    /** Deep-merged into the config, e.g. `{env: {goal_desc_human_anns_prob: 0}}`. */
    configOverrides: z.record(z.string(), z.unknown()).optional(),
    /** Episode cap (ALFWorld's 50). */
    maxSteps: z.number().int().positive().default(50),
    /** Ask for frames (THOR, or the test backend) and put them in the observation. */
    image: z.boolean().default(false),
    /** Frame side in pixels (THOR: 300). */
    imageSize: z.number().int().min(8).max(2048).default(300),
    /** Seed for the sidecar's global RNGs at `init`. */
    seed: z.number().int().default(0),
    timeouts: timeoutsSchema.default(timeoutsSchema.parse({})),
    /** Extra environment variables for the sidecar. */
    env: z.record(z.string(), z.string()).default({}),
    /** Test backend only: accept `debug hang` / `debug crash` / `debug noise` commands. */
    allowFaults: z.boolean().default(false),
    /** Backend-specific options passed through `init`. */
    backendOptions: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export type BridgeOptions = z.output<typeof bridgeOptionsSchema>;
export type BridgeOptionsInput = z.input<typeof bridgeOptionsSchema>;

/** Validates bridge options; the error names each bad field. */
export function parseBridgeOptions(input: unknown = {}): BridgeOptions {
  const parsed = bridgeOptionsSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new RangeError(`Invalid ALFWorld bridge options:\n  - ${problems.join('\n  - ')}`);
  }
  return parsed.data;
}
