import type { ZodError } from 'zod';
import { type FieldProblem, fieldProblems } from './zod-issues.js';

/**
 * Base of the errors for a plugin manifest (env, policy, algorithm) that does not follow its
 * contract: the message names the source and every bad field; `problems` keeps them structured.
 */
export class PluginManifestError extends Error {
  /** The package name or path the manifest came from. */
  readonly source: string;
  /** Each bad field and what is wrong with it. */
  readonly problems: FieldProblem[];
  /** The bad fields' dotted paths (`envs[0].id`). */
  readonly fields: string[];

  /** `kind` is the plugin kind as the message says it: `env`, `policy`, `algorithm`. */
  constructor(kind: string, source: string, problems: FieldProblem[]) {
    super(
      `Invalid ${kind} plugin manifest from ${source}:\n${problems.map((p) => `  - ${p.field}: ${p.message}`).join('\n')}`,
    );
    this.name = 'PluginManifestError';
    this.source = source;
    this.problems = problems;
    this.fields = problems.map((p) => p.field);
  }
}

/**
 * Checks a plugin manifest the same way for every kind: `schema` first (each zod issue a
 * {@link FieldProblem}), then that the ids of the list under `listField` are unique. Throws
 * `fail(problems)`, the kind's own error.
 * @returns `value`, typed.
 */
export function checkPluginManifest<M>(
  value: unknown,
  {
    schema,
    listField,
    fail,
  }: {
    schema: { safeParse(value: unknown): { success: true } | { success: false; error: ZodError } };
    listField: string;
    fail: (problems: FieldProblem[]) => Error;
  },
): M {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw fail(fieldProblems(parsed.error));
  const ids = ((value as Record<string, { id: string }[]>)[listField] ?? []).map((item) => item.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw fail([{ field: listField, message: `lists '${dup}' twice` }]);
  return value as M;
}
