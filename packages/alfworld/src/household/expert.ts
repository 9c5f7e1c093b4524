import { accepts, LAMP_HOLDERS } from './catalog.js';
import { Household } from './household.js';
import type { HouseholdGame, HouseObject, Receptacle, Wording } from './world.js';

/** The expert's next move and why, in words a chain of thought can reuse. */
export interface ExpertStep {
  command: string;
  reason: string;
  /**
   * The reason with its work shown, where there is work to show: on a search step, every place
   * that can hold what is sought, in the order searched, then the one after the place faced
   * (the `plan` thought). Absent elsewhere: `reason` already says all.
   */
  plan?: string;
}

const STATEFUL = {
  pick_clean_then_place_in_recep: { appliance: 'sinkbasin', verb: 'clean', has: (o: HouseObject) => o.clean },
  pick_heat_then_place_in_recep: { appliance: 'microwave', verb: 'heat', has: (o: HouseObject) => o.hot },
  pick_cool_then_place_in_recep: { appliance: 'fridge', verb: 'cool', has: (o: HouseObject) => o.cool },
} as const;

/** Options of {@link expertNextStep}. */
export interface ExpertOptions {
  /**
   * `full` (default): the expert knows where every object is, like ALFWorld's handcoded expert.
   * `search`: it knows only what the current feedback shows, so a policy that sees one step can
   * imitate it: it finds objects and lamps by visiting, in name order, the receptacles that can
   * hold them (the next one after the receptacle it faces), opening closed ones.
   */
  knowledge?: 'full' | 'search';
}

/**
 * The expert's next command from the current state, with a short reason, or `undefined` once
 * the task is won. By default it has full knowledge of the house (like ALFWorld's handcoded
 * expert), works from any reachable state (so it can label DAgger-style states too), and always
 * reaches the goal of a generated game; `knowledge: 'search'` searches instead (see
 * {@link ExpertOptions}).
 */
export function expertNextStep(
  house: Household,
  { knowledge = 'full' }: ExpertOptions = {},
): ExpertStep | undefined {
  if (house.won()) return undefined;
  const fetch = knowledge === 'search' ? searchFetch : fullFetch;
  const { task } = house.game;
  const held = house.held();
  const targets = house.game.objects.filter((o) => o.type === task.object);
  const goalReceptacles = house.game.receptacles.filter((r) => r.type === task.receptacle);

  if (held && held.type !== task.object) return putAway(house, held);

  if (task.type === 'look_at_obj_in_light') {
    if (!held) return fetch(house, targets, `I need a ${task.object} to look at`);
    if (knowledge === 'search') return searchLamp(house, held, task.toggle!);
    const lamp = house.game.objects.find((o) => o.type === task.toggle)!;
    const stand = house.receptacle(lamp.parent!);
    if (house.agentLoc !== stand.loc) {
      return {
        command: `go to ${stand.name}`,
        reason: `I hold the ${held.name}; the ${lamp.name} is on the ${stand.name}, so I go there`,
      };
    }
    return {
      command: `use ${lamp.name}`,
      reason: `I hold the ${held.name} next to the ${lamp.name}, so I turn it on`,
    };
  }

  if (task.type === 'pick_two_obj_and_place') {
    const count = (r: Receptacle) => targets.filter((o) => o.parent === r.name).length;
    const dest = goalReceptacles.reduce((best, r) => (count(r) > count(best) ? r : best));
    if (held) return place(house, held, dest);
    return fetch(
      house,
      targets.filter((o) => o.parent !== dest.name),
      `I need two ${task.object}s in the ${dest.name}`,
      task.receptacle,
    );
  }

  const dest = goalReceptacles.find((r) => r.loc === house.agentLoc) ?? goalReceptacles[0]!;
  if (task.type === 'pick_and_place_simple') {
    if (held) return place(house, held, dest);
    return fetch(
      house,
      targets.filter((o) => !o.parent || house.receptacle(o.parent).type !== task.receptacle),
      `I need a ${task.object}`,
      task.receptacle,
    );
  }

  const { appliance, verb, has } = STATEFUL[task.type];
  if (held && !has(held)) {
    const machine = house.game.receptacles.find((r) => r.type === appliance)!;
    if (house.agentLoc !== machine.loc) {
      return {
        command: `go to ${machine.name}`,
        reason: `I hold the ${held.name}; to ${verb} it I go to the ${machine.name}`,
      };
    }
    return {
      command: `${verb} ${held.name} with ${machine.name}`,
      reason: `I am at the ${machine.name} with the ${held.name}, so I ${verb} it`,
    };
  }
  if (held) return place(house, held, dest);
  const done = (o: HouseObject) =>
    has(o) && o.parent !== null && house.receptacle(o.parent).type === task.receptacle;
  return fetch(
    house,
    targets.filter((o) => !done(o)),
    `I need a ${task.object} to ${verb}`,
    task.receptacle,
  );
}

/** Go to a receptacle and open it if it has a closed door; `undefined` when already there and open. */
function reach(house: Household, r: Receptacle, why: string): ExpertStep | undefined {
  if (house.agentLoc !== r.loc)
    return { command: `go to ${r.name}`, reason: `${why}, so I go to the ${r.name}` };
  if (!r.isOpen) return { command: `open ${r.name}`, reason: `The ${r.name} is closed, so I open it` };
  return undefined;
}

function fullFetch(house: Household, candidates: HouseObject[], why: string, _skipType?: string): ExpertStep {
  // Prefer an object where the agent already is, then the first in list order.
  const here = candidates.find((o) => house.receptacle(o.parent!).loc === house.agentLoc);
  const o = here ?? candidates[0]!;
  const from = house.receptacle(o.parent!);
  return (
    reach(house, from, `${why}; the ${o.name} is in the ${from.name}`) ?? {
      command: `take ${o.name} from ${from.name}`,
      reason: `The ${o.name} is here in the ${from.name}, so I pick it up`,
    }
  );
}

function place(house: Household, held: HouseObject, dest: Receptacle): ExpertStep {
  return (
    reach(house, dest, `I hold the ${held.name} and it belongs in the ${dest.name}`) ?? {
      command: placeCommand(house, held, dest),
      reason: `I am at the ${dest.name} with the ${held.name}, so I put it there`,
    }
  );
}

/**
 * Fetches one of `candidates` knowing only what is in view: take one visible here, else open a
 * closed receptacle here that could hold it, else go to the next receptacle (in name order,
 * after the one faced, wrapping) that could hold it and is not of the goal type `skipType`.
 */
function searchFetch(
  house: Household,
  candidates: HouseObject[],
  why: string,
  skipType?: string,
): ExpertStep {
  const wanted = new Set(candidates.map((o) => o.name));
  const seen = house.visibleObjects().find((o) => wanted.has(o.name));
  if (seen) {
    const reason = `The ${seen.name} is here in the ${seen.parent}, so I pick it up`;
    return {
      command: `take ${seen.name} from ${seen.parent}`,
      reason,
      plan: `${inView(house)}. ${reason}`,
    };
  }
  const type = candidates[0]?.type;
  const fits = (r: Receptacle) => type !== undefined && accepts(r.type, type);
  let places = house.game.receptacles.filter((r) => fits(r) && r.type !== skipType);
  // A pick-two object can lie in a goal-type receptacle other than the one being filled (put
  // there by a policy off the expert's path): once nothing else is left, search those too.
  const here = (r: Receptacle) => r.loc === house.agentLoc;
  if (!places.some((r) => !here(r) || !r.isOpen)) places = house.game.receptacles.filter(fits);
  return searchNext(house, places, why);
}

/** Holding the object of a Look task: turn on a lamp in view, else search the lamp holders. */
function searchLamp(house: Household, held: HouseObject, toggle: string): ExpertStep {
  const lamp = house.visibleObjects().find((o) => o.type === toggle);
  if (lamp) {
    const reason = `I hold the ${held.name} next to the ${lamp.name}, so I turn it on`;
    return { command: `use ${lamp.name}`, reason, plan: `${inView(house)}. ${reason}` };
  }
  const places = house.game.receptacles.filter((r) => LAMP_HOLDERS.includes(r.type));
  return searchNext(house, places, `I hold the ${held.name} and need a ${toggle}`);
}

/** Opens a closed one of `places` here, else goes to the next of `places` after the one faced. */
function searchNext(house: Household, places: Receptacle[], why: string): ExpertStep {
  const closedHere = places.find((r) => r.loc === house.agentLoc && !r.isOpen);
  if (closedHere) {
    return {
      command: `open ${closedHere.name}`,
      reason: `${why}; the ${closedHere.name} is closed, so I open it to look inside`,
    };
  }
  const byName = (a: Receptacle, b: Receptacle) => (a.name < b.name ? -1 : 1);
  const away = places.filter((r) => r.loc !== house.agentLoc).sort(byName);
  const facing = house.facing;
  const after = away.find((r) => facing === null || r.name > facing);
  const next = after ?? away[0];
  if (!next) throw new Error(`The search expert has nowhere left to look in game seed ${house.game.seed}`);
  // The plan lists the candidates in search order, so "the next place" becomes a copy of the
  // name after the one faced instead of a lookup a small model must learn by heart.
  const list = [...places].sort(byName).map((r) => r.name);
  const pick =
    facing === null
      ? `I face none of them yet, so I start with the ${next.name}`
      : after
        ? `after the ${facing} comes the ${next.name}`
        : `none comes after the ${facing}, so I start over with the ${next.name}`;
  return {
    command: `go to ${next.name}`,
    reason: `${why}; none is in view, so I search the next place, the ${next.name}`,
    plan: `${inView(house)}. ${why}, and none is here. Places to search: ${list.join(', ')}; ${pick}`,
  };
}

/** What the agent sees where it stands, as a `plan` thought starts: copying it comes before judging it. */
function inView(house: Household): string {
  const names = house.visibleObjects().map((o) => o.name);
  return names.length ? `In view: ${names.join(', ')}` : 'Nothing in view';
}

/** Puts down an object the task does not need, as near as possible. */
function putAway(house: Household, held: HouseObject): ExpertStep {
  const fits = house.game.receptacles.filter((r) => accepts(r.type, held.type));
  const dest =
    fits.find((r) => r.loc === house.agentLoc && r.isOpen) ??
    fits.find((r) => r.loc === house.agentLoc) ??
    fits[0]!;
  return (
    reach(house, dest, `The ${held.name} is not what I need; I put it back`) ?? {
      command: placeCommand(house, held, dest),
      reason: `The ${held.name} is not what I need, so I put it down here`,
    }
  );
}

function placeCommand(house: Household, held: HouseObject, dest: Receptacle): string {
  return house.wording === 'tw-2.1.3'
    ? `move ${held.name} to ${dest.name}`
    : `put ${held.name} in/on ${dest.name}`;
}

/** The expert's next command only (`undefined` once won). */
export function expertNextCommand(house: Household, options?: ExpertOptions): string | undefined {
  return expertNextStep(house, options)?.command;
}

/** A full expert demonstration of a game: the commands in order, each with its reason. */
export function expertPlan(
  game: HouseholdGame,
  { maxSteps = 50, wording = 'tw-2.1.1' as Wording, knowledge = 'full' as ExpertOptions['knowledge'] } = {},
): ExpertStep[] {
  const house = new Household(game, { wording });
  const plan: ExpertStep[] = [];
  const next = () => expertNextStep(house, { knowledge });
  for (let step = next(); step && plan.length < maxSteps; step = next()) {
    const { valid } = house.execute(step.command);
    if (!valid)
      throw new Error(`Expert chose an inadmissible command '${step.command}' in game seed ${game.seed}`);
    plan.push(step);
  }
  return plan;
}
