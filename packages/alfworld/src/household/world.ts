import type { RoomKind } from './catalog.js';
import type { Task } from './task-types.js';

/** A receptacle: a countertop, a cabinet, a fridge… named `<type> <n>`. */
export interface Receptacle {
  /** `cabinet 3`. */
  name: string;
  type: string;
  num: number;
  /** The location id it stands at (`loc N` in the arrival text); receptacles may share one. */
  loc: number;
  /** Has a door: must be open to take from or put into. */
  openable: boolean;
  /** Door state (always true for receptacles without a door). */
  isOpen: boolean;
}

/** A movable object or a lamp, named `<type> <n>`. */
export interface HouseObject {
  /** `apple 1`. */
  name: string;
  type: string;
  num: number;
  /** The receptacle it is in, or `null` while held. */
  parent: string | null;
  pickupable: boolean;
  hot: boolean;
  cool: boolean;
  clean: boolean;
  /** Lamps only: switched on. */
  isOn: boolean;
}

/** Which text variant the engine speaks (spec §2.5): the 2.1.1 data release RL4VLM used, or 2.1.3. */
export type Wording = 'tw-2.1.1' | 'tw-2.1.3';

/** A generated household game: the room, its contents and the task. Plain data, JSON-serialisable. */
export interface HouseholdGame {
  room: RoomKind;
  /** The seed the game was generated from. */
  seed: number;
  task: Task;
  /** In intro order: by type alphabetically, numbers descending. */
  receptacles: Receptacle[];
  objects: HouseObject[];
}

/** Deep copy of a game, so an episode can mutate its objects freely. */
export function cloneGame(game: HouseholdGame): HouseholdGame {
  return {
    ...game,
    task: { ...game.task },
    receptacles: game.receptacles.map((r) => ({ ...r })),
    objects: game.objects.map((o) => ({ ...o })),
  };
}

/** Sort key for lists: by type alphabetically, then number descending (ALFWorld's order). */
export function compareByTypeThenNumberDesc(
  a: { type: string; num: number },
  b: { type: string; num: number },
): number {
  if (a.type !== b.type) return a.type < b.type ? -1 : 1;
  return b.num - a.num;
}
