import { checkPluginManifest, type FieldProblem, PluginManifestError } from '@rl4vlm/env';
import { z } from 'zod';
import type { VlmPolicy } from './policy.js';

/** The policy plugin specification this version of `@rl4vlm/policy` implements. */
export const POLICY_SPECIFICATION_VERSION = 'rl4vlm.policy/v1';

/** Id prefixes are lower-case words: `tfjs`, `openai`, `random`. */
export const POLICY_PREFIX_PATTERN = /^[a-z][a-z0-9_-]*$/;

/** Options passed through to a policy factory (e.g. `{ labels }` for `random`, LoRA settings for `tfjs`). */
export type PolicyOptions = Record<string, unknown>;

/**
 * One kind of policy a plugin provides, resolved from ids `"<id>"` or `"<id>:<arg>"`.
 * `create` gets the part after the first colon (a preset, a checkpoint path, a model name).
 */
export interface PolicyFactorySpec {
  id: string;
  create(arg: string | undefined, options: PolicyOptions): VlmPolicy | Promise<VlmPolicy>;
  description?: string;
}

/**
 * What a policy plugin package exports by default.
 *
 * @example
 * const manifest: PolicyPluginManifest = {
 *   specificationVersion: 'rl4vlm.policy/v1',
 *   name: '@me/policy-echo',
 *   version: '1.0.0',
 *   policies: [{ id: 'echo', create: (arg) => new EchoPolicy(arg) }],
 * };
 * export default manifest;
 */
export interface PolicyPluginManifest {
  specificationVersion: typeof POLICY_SPECIFICATION_VERSION;
  name: string;
  version: string;
  description?: string;
  policies: PolicyFactorySpec[];
}

const factorySchema = z.object({
  id: z.string().regex(POLICY_PREFIX_PATTERN, {
    message: "must be a lower-case word such as 'tfjs' (letters, digits, '-', '_'; no ':')",
  }),
  create: z.custom<PolicyFactorySpec['create']>((v) => typeof v === 'function', {
    message: 'must be a function',
  }),
  description: z.string().optional(),
});

const manifestSchema = z.object({
  specificationVersion: z.literal(POLICY_SPECIFICATION_VERSION, {
    message: `must be '${POLICY_SPECIFICATION_VERSION}'`,
  }),
  name: z.string().min(1, { message: 'must be a non-empty string' }),
  version: z.string().regex(/^\d+\.\d+\.\d+/, { message: "must be a semver version such as '1.0.0'" }),
  description: z.string().optional(),
  policies: z.array(factorySchema).min(1, { message: 'must list at least one policy' }),
});

/** Thrown for a manifest that does not follow {@link PolicyPluginManifest}; names the source and each bad field. */
export class InvalidPolicyManifestError extends PluginManifestError {
  constructor(source: string, problems: FieldProblem[]) {
    super('policy', source, problems);
    this.name = 'InvalidPolicyManifestError';
  }
}

/** Checks that `value` is a valid policy plugin manifest and returns it typed; `source` is named in errors. */
export function validatePolicyManifest(value: unknown, source = 'an unnamed plugin'): PolicyPluginManifest {
  return checkPluginManifest(value, {
    schema: manifestSchema,
    listField: 'policies',
    fail: (problems) => new InvalidPolicyManifestError(source, problems),
  });
}
