import { z } from 'zod';
import { ROOM_KINDS } from './catalog.js';
import { parseTaskType, TASK_TYPES } from './task-types.js';

const taskTypeSchema = z.union([z.string(), z.number().int()]).transform((value, ctx) => {
  try {
    return parseTaskType(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** Keyword arguments of `alfworld/Household-v0` (validated by `make`). */
export const householdOptionsSchema = z
  .object({
    /** Task types to draw from: names, short names (`Heat`) or ALFWorld ids (1–6). Default: all six. */
    taskTypes: z
      .array(taskTypeSchema)
      .min(1)
      .default([...TASK_TYPES]),
    /** Room kinds to draw from. Default: all four. */
    rooms: z
      .array(z.enum(ROOM_KINDS))
      .min(1)
      .default([...ROOM_KINDS]),
    /** Episode cap: truncated on this step, as ALFWorld's 50-step limit. */
    maxSteps: z.number().int().positive().default(50),
    /** Return a rendered picture in the observation (the visual variant). */
    image: z.boolean().default(true),
    /** Picture side in pixels (RL4VLM's THOR frames are 300). */
    imageSize: z.number().int().min(64).max(2048).default(300),
    /** Text variant: the 2.1.1 data release RL4VLM used (`put O in/on R`) or 2.1.3 (`move O to R`). */
    wording: z.enum(['tw-2.1.1', 'tw-2.1.3']).default('tw-2.1.1'),
    /**
     * Whose move `info.expertCommand` is: the expert that knows the whole house (`full`), or the
     * one that knows only the current feedback and searches (`search`: what a policy that sees one
     * step at a time can imitate).
     */
    expert: z.enum(['full', 'search']).default('full'),
  })
  .strict();

/** Options of {@link HouseholdEnv}, after defaults. */
export type HouseholdOptions = z.output<typeof householdOptionsSchema>;
/** Options of {@link HouseholdEnv} as given by a user. */
export type HouseholdOptionsInput = z.input<typeof householdOptionsSchema>;

/** Validates options, with an error that names each bad field and what is allowed. */
export function parseHouseholdOptions(input: unknown = {}): HouseholdOptions {
  const parsed = householdOptionsSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new RangeError(`Invalid Household-v0 options:\n  - ${problems.join('\n  - ')}`);
  }
  return parsed.data;
}
