import { z } from 'zod';
import { checkPluginManifest, PluginManifestError } from './plugin-manifest.js';
import { registry as defaultRegistry, ENV_ID_PATTERN, type EnvRegistry, type EnvSpec } from './registry.js';
import type { FieldProblem } from './zod-issues.js';

/** The env plugin specification this version of `@rl4vlm/env` implements. */
export const ENV_SPECIFICATION_VERSION = 'rl4vlm.env/v1';

/**
 * What an env plugin package exports by default.
 *
 * @example
 * const manifest: EnvPluginManifest = {
 *   specificationVersion: 'rl4vlm.env/v1',
 *   name: 'my-envs',
 *   version: '1.0.0',
 *   envs: [{ id: 'my/Maze-v0', factory: (kw) => new Maze(kw), maxEpisodeSteps: 50 }],
 * };
 * export default manifest;
 */
export interface EnvPluginManifest {
  specificationVersion: typeof ENV_SPECIFICATION_VERSION;
  name: string;
  version: string;
  description?: string;
  envs: EnvSpec<any>[];
}

const fn = (what: string) =>
  z.custom<(...args: any[]) => any>((v) => typeof v === 'function', {
    message: `${what} must be a function`,
  });

const envSpecSchema = z.object({
  id: z
    .string()
    .regex(ENV_ID_PATTERN, { message: "must look like 'namespace/Name-vN', e.g. 'gym-cards/NumberLine-v0'" }),
  factory: fn('factory'),
  maxEpisodeSteps: z.number().int().positive().optional(),
  kwargs: z.record(z.string(), z.unknown()).optional(),
  kwargsSchema: z
    .custom<{ safeParse: unknown }>((v) => typeof (v as any)?.safeParse === 'function', {
      message: 'must be a zod schema',
    })
    .optional(),
  text: fn('text').optional(),
  oracle: fn('oracle').optional(),
  description: z.string().optional(),
});

const manifestSchema = z.object({
  specificationVersion: z.literal(ENV_SPECIFICATION_VERSION, {
    message: `must be '${ENV_SPECIFICATION_VERSION}'`,
  }),
  name: z.string().min(1, { message: 'must be a non-empty string' }),
  version: z.string().regex(/^\d+\.\d+\.\d+/, { message: "must be a semver version such as '1.0.0'" }),
  description: z.string().optional(),
  envs: z.array(envSpecSchema).min(1, { message: 'must list at least one env' }),
});

/** Thrown for a manifest that does not follow {@link EnvPluginManifest}; names the source and the fields. */
export class InvalidManifestError extends PluginManifestError {
  constructor(source: string, problems: FieldProblem[]) {
    super('env', source, problems);
    this.name = 'InvalidManifestError';
  }
}

/**
 * Checks that `value` is a valid env plugin manifest and returns it typed.
 * `source` (a package name or path) is named in the error.
 */
export function validateEnvManifest(value: unknown, source = 'an unnamed plugin'): EnvPluginManifest {
  return checkPluginManifest(value, {
    schema: manifestSchema,
    listField: 'envs',
    fail: (problems) => new InvalidManifestError(source, problems),
  });
}

/** Validates a manifest and registers all its envs (in the default registry unless one is given). */
export function registerManifest(
  value: unknown,
  {
    source,
    registry = defaultRegistry,
    override = false,
  }: { source?: string; registry?: EnvRegistry; override?: boolean } = {},
): EnvPluginManifest {
  const manifest = validateEnvManifest(value, source ?? (value as any)?.name);
  for (const spec of manifest.envs) registry.register(spec, { override });
  return manifest;
}
