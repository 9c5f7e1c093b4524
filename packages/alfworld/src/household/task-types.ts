import type { RoomKind } from './catalog.js';

/** ALFWorld's six task types, by their ALFRED names (spec `alfworld.md` §2.4). */
export const TASK_TYPES = [
  'pick_and_place_simple',
  'look_at_obj_in_light',
  'pick_clean_then_place_in_recep',
  'pick_heat_then_place_in_recep',
  'pick_cool_then_place_in_recep',
  'pick_two_obj_and_place',
] as const;
export type TaskType = (typeof TASK_TYPES)[number];

/** ALFWorld's numeric task ids (the config's `env.task_types`): 1 = pick … 6 = pick two. */
export const TASK_TYPE_IDS: Readonly<Record<TaskType, number>> = {
  pick_and_place_simple: 1,
  look_at_obj_in_light: 2,
  pick_clean_then_place_in_recep: 3,
  pick_heat_then_place_in_recep: 4,
  pick_cool_then_place_in_recep: 5,
  pick_two_obj_and_place: 6,
};

/** The paper's column names for each task type. */
export const TASK_TYPE_SHORT_NAMES: Readonly<Record<TaskType, string>> = {
  pick_and_place_simple: 'Pick',
  look_at_obj_in_light: 'Look',
  pick_clean_then_place_in_recep: 'Clean',
  pick_heat_then_place_in_recep: 'Heat',
  pick_cool_then_place_in_recep: 'Cool',
  pick_two_obj_and_place: 'Pick2',
};

/** Which rooms each task type may be generated in (ALFRED's `GOALS_VALID`). */
export const TASK_ROOMS: Readonly<Record<TaskType, readonly RoomKind[]>> = {
  pick_and_place_simple: ['kitchen', 'livingroom', 'bedroom', 'bathroom'],
  look_at_obj_in_light: ['livingroom', 'bedroom'],
  pick_clean_then_place_in_recep: ['kitchen', 'bathroom'],
  pick_heat_then_place_in_recep: ['kitchen'],
  pick_cool_then_place_in_recep: ['kitchen'],
  pick_two_obj_and_place: ['kitchen', 'livingroom', 'bedroom', 'bathroom'],
};

/**
 * The two goal templates per task type; `{o}`, `{r}`, `{t}` are the object, receptacle and
 * toggle (lamp) type names.
 */
export const GOAL_TEMPLATES: Readonly<Record<TaskType, readonly [string, string]>> = {
  pick_and_place_simple: ['put a {o} in {r}', 'put some {o} on {r}'],
  look_at_obj_in_light: ['look at {o} under the {t}', 'examine the {o} with the {t}'],
  pick_clean_then_place_in_recep: ['put a clean {o} in {r}', 'clean some {o} and put it in {r}'],
  pick_heat_then_place_in_recep: ['put a hot {o} in {r}', 'heat some {o} and put it in {r}'],
  pick_cool_then_place_in_recep: ['put a cool {o} in {r}', 'cool some {o} and put it in {r}'],
  pick_two_obj_and_place: ['put two {o} in {r}', 'find two {o} and put them in {r}'],
};

/** A task: which type, which object/receptacle/lamp types, and the goal sentence shown. */
export interface Task {
  type: TaskType;
  /** Target object type, e.g. `apple`. */
  object: string;
  /** Target receptacle type, e.g. `countertop` (absent for Look tasks). */
  receptacle?: string;
  /** Lamp type for Look tasks (`desklamp`). */
  toggle?: string;
  /** Index of the goal template used (0 or 1). */
  template: 0 | 1;
  /** The goal sentence, without the trailing period. */
  goal: string;
}

/** Fills a goal template. */
export function goalText(
  type: TaskType,
  template: 0 | 1,
  names: { o: string; r?: string; t?: string },
): string {
  return GOAL_TEMPLATES[type][template]
    .replace('{o}', names.o)
    .replace('{r}', names.r ?? '')
    .replace('{t}', names.t ?? '');
}

/** Parses a task type given by name (`pick_heat_then_place_in_recep`), short name (`Heat`) or id (4). */
export function parseTaskType(value: string | number): TaskType {
  if (typeof value === 'number') {
    const found = TASK_TYPES.find((t) => TASK_TYPE_IDS[t] === value);
    if (found) return found;
  } else {
    if ((TASK_TYPES as readonly string[]).includes(value)) return value as TaskType;
    const short = TASK_TYPES.find((t) => TASK_TYPE_SHORT_NAMES[t].toLowerCase() === value.toLowerCase());
    if (short) return short;
  }
  throw new RangeError(
    `Unknown ALFWorld task type ${JSON.stringify(value)}; allowed: ${TASK_TYPES.map((t) => `${t} (${TASK_TYPE_SHORT_NAMES[t]}, ${TASK_TYPE_IDS[t]})`).join(', ')}`,
  );
}
