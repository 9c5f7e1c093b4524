import { Rng } from '@rl4vlm/env';
import {
  accepts,
  CLEANABLE,
  COOLABLE,
  HEATABLE,
  LAMP_HOLDERS,
  OPENABLE_TYPES,
  ROOM_KINDS,
  ROOM_OBJECTS,
  ROOM_RECEPTACLES,
  type RoomKind,
} from './catalog.js';
import { goalText, TASK_ROOMS, TASK_TYPES, type Task, type TaskType } from './task-types.js';
import {
  compareByTypeThenNumberDesc,
  type HouseholdGame,
  type HouseObject,
  type Receptacle,
} from './world.js';

/** What to generate; every field is optional. */
export interface GenerateOptions {
  /** The game seed: the same seed and options give the same game. */
  seed: number;
  /** Task types to draw from (default: all six). */
  taskTypes?: readonly TaskType[];
  /** Rooms to draw from (default: all four); each task type keeps to the rooms ALFRED allows it in. */
  rooms?: readonly RoomKind[];
}

/** The appliance each stateful task needs, which is also never its target receptacle. */
const APPLIANCE: Partial<Record<TaskType, string>> = {
  pick_clean_then_place_in_recep: 'sinkbasin',
  pick_heat_then_place_in_recep: 'microwave',
  pick_cool_then_place_in_recep: 'fridge',
};

const AFFORDANCE: Partial<Record<TaskType, ReadonlySet<string>>> = {
  pick_clean_then_place_in_recep: CLEANABLE,
  pick_heat_then_place_in_recep: HEATABLE,
  pick_cool_then_place_in_recep: COOLABLE,
};

/** Task types that can be generated under the given room filter (each keeps to ALFRED's valid rooms). */
export function feasibleTaskTypes(
  taskTypes: readonly TaskType[] = TASK_TYPES,
  rooms: readonly RoomKind[] = ROOM_KINDS,
): TaskType[] {
  return taskTypes.filter((t) => TASK_ROOMS[t].some((r) => rooms.includes(r)));
}

/**
 * Generates an always-solvable household game from a seed (spec `alfworld.md` §4.5): the task's
 * object type has the needed affordance, 1–3 instances (2–4 for Pick2) sit in receptacles that
 * accept them, the appliance or desk lamp exists, a receptacle of the goal type accepts the object,
 * and the goal is unmet at reset.
 *
 * @example
 * const game = generateGame({ seed: 42, taskTypes: ['pick_heat_then_place_in_recep'] });
 * game.task.goal; // e.g. "heat some egg and put it in countertop"
 */
export function generateGame({
  seed,
  taskTypes = TASK_TYPES,
  rooms = ROOM_KINDS,
}: GenerateOptions): HouseholdGame {
  const types = feasibleTaskTypes(taskTypes, rooms);
  if (types.length === 0) {
    throw new RangeError(
      `No task type in [${taskTypes.join(', ')}] can be generated in rooms [${rooms.join(', ')}]; ` +
        `valid rooms per type: ${TASK_TYPES.map((t) => `${t}: ${TASK_ROOMS[t].join('/')}`).join('; ')}`,
    );
  }
  const rng = new Rng(seed);
  const type = rng.choice(types);
  const room = rng.choice(TASK_ROOMS[type].filter((r) => rooms.includes(r)));
  // A layout may lack a pair that fits; draw again (from the same stream, so still reproducible).
  for (let attempt = 0; attempt < 100; attempt++) {
    const game = tryGenerate(rng, seed, type, room);
    if (game) return game;
  }
  throw new Error(`Could not generate a solvable ${type} game in a ${room} for seed ${seed}`);
}

function tryGenerate(rng: Rng, seed: number, type: TaskType, room: RoomKind): HouseholdGame | undefined {
  const receptacleTypes = drawReceptacleTypes(rng, room, type);
  const present = [...receptacleTypes.keys()];
  const appliance = APPLIANCE[type];
  const affordance = AFFORDANCE[type];

  // Object types with an allowed source receptacle and (except Look) an allowed goal receptacle.
  const sourcesFor = (o: string, goal?: string) =>
    present.filter(
      (s) => s !== goal && accepts(s, o) && !(type === 'pick_cool_then_place_in_recep' && s === 'fridge'),
    );
  const goalsFor = (o: string) =>
    present.filter((r) => r !== appliance && accepts(r, o) && sourcesFor(o, r).length > 0);
  const objectTypes = ROOM_OBJECTS[room].filter(
    (o) =>
      (!affordance || affordance.has(o)) &&
      (type === 'look_at_obj_in_light' ? sourcesFor(o).length > 0 : goalsFor(o).length > 0),
  );
  if (objectTypes.length === 0) return undefined;
  const object = rng.choice(objectTypes);
  const receptacle = type === 'look_at_obj_in_light' ? undefined : rng.choice(goalsFor(object));
  const toggle = type === 'look_at_obj_in_light' ? 'desklamp' : undefined;
  const template = rng.int(0, 1) as 0 | 1;
  const task: Task = {
    type,
    object,
    receptacle,
    toggle,
    template,
    goal: goalText(type, template, { o: object, r: receptacle, t: toggle }),
  };

  const receptacles = buildReceptacles(rng, receptacleTypes);
  const byType = (t: string) => receptacles.filter((r) => r.type === t);
  const placements: { type: string; parent: string; pickupable: boolean }[] = [];

  const targetCount = type === 'pick_two_obj_and_place' ? rng.int(2, 4) : rng.int(1, 3);
  const targetSources = sourcesFor(object, receptacle).flatMap(byType);
  for (let i = 0; i < targetCount; i++)
    placements.push({ type: object, parent: rng.choice(targetSources).name, pickupable: true });
  if (toggle) {
    const holders = receptacles.filter((r) => LAMP_HOLDERS.includes(r.type));
    placements.push({ type: toggle, parent: rng.choice(holders).name, pickupable: false });
  }
  const distractorTypes = ROOM_OBJECTS[room].filter(
    (o) => o !== object && receptacles.some((r) => accepts(r.type, o)),
  );
  const distractors = rng.int(4, 10);
  for (let i = 0; i < distractors; i++) {
    const o = rng.choice(distractorTypes);
    placements.push({
      type: o,
      parent: rng.choice(receptacles.filter((r) => accepts(r.type, o))).name,
      pickupable: true,
    });
  }

  // Number objects per type in a shuffled order, so numbers say nothing about where things are.
  const counts = new Map<string, number>();
  const objects: HouseObject[] = rng.shuffle(placements).map((p) => {
    const num = (counts.get(p.type) ?? 0) + 1;
    counts.set(p.type, num);
    return {
      name: `${p.type} ${num}`,
      type: p.type,
      num,
      parent: p.parent,
      pickupable: p.pickupable,
      hot: false,
      cool: false,
      clean: false,
      isOn: false,
    };
  });
  objects.sort(compareByTypeThenNumberDesc);
  return { room, seed, task, receptacles, objects };
}

/** Which receptacle types the room has and how many of each. */
function drawReceptacleTypes(rng: Rng, room: RoomKind, type: TaskType): Map<string, number> {
  const counts = new Map<string, number>();
  for (const slot of ROOM_RECEPTACLES[room]) {
    if (slot.p < 1 && rng.float() >= slot.p) continue;
    counts.set(slot.type, rng.int(slot.min, slot.max));
  }
  // A Look task needs somewhere for the desk lamp to stand.
  if (type === 'look_at_obj_in_light' && !LAMP_HOLDERS.some((t) => counts.has(t))) counts.set('sidetable', 1);
  return counts;
}

/** Names, doors and locations: stove burners share locations in pairs, as in THOR kitchens. */
function buildReceptacles(rng: Rng, counts: Map<string, number>): Receptacle[] {
  const receptacles: Receptacle[] = [];
  for (const [type, count] of counts) {
    for (let num = 1; num <= count; num++) {
      // Some cabinets and drawers have no door and behave as surfaces (spec §2.3).
      const openable =
        OPENABLE_TYPES.has(type) && !((type === 'cabinet' || type === 'drawer') && rng.float() < 0.2);
      receptacles.push({ name: `${type} ${num}`, type, num, loc: 0, openable, isOpen: !openable });
    }
  }
  const groups: Receptacle[][] = [];
  const burners = rng.shuffle(receptacles.filter((r) => r.type === 'stoveburner'));
  for (let i = 0; i < burners.length; i += 2) groups.push(burners.slice(i, i + 2));
  for (const r of receptacles) if (r.type !== 'stoveburner') groups.push([r]);
  const locIds = rng.shuffle(Array.from({ length: groups.length + 8 }, (_, i) => i + 1));
  groups.forEach((group, i) => {
    for (const r of group) r.loc = locIds[i]!;
  });
  return receptacles.sort(compareByTypeThenNumberDesc);
}
