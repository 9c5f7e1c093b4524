import type { ZodError } from 'zod';

/** One problem with an input: the dotted field path (`envs[0].id`, or `(root)`) and what is wrong. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * A zod error as one {@link FieldProblem} per issue, with paths written as a user reads them
 * (`envs[0].id`) and "is required" for a missing field. Shared by every manifest and config
 * validator, so errors read the same everywhere.
 */
export function fieldProblems(error: ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    field:
      issue.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, '') || '(root)',
    message:
      issue.code === 'invalid_type' && issue.message.includes('undefined') ? 'is required' : issue.message,
  }));
}
