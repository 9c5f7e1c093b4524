import { accepts, CLEANABLE, CONTAINER_OBJECT_TYPES, COOLABLE, HEATABLE, LAMP_TYPES } from './catalog.js';
import { introText, listItems, MIDDLE_OF_ROOM_LOOK, NOTHING_HAPPENS } from './phrases.js';
import {
  cloneGame,
  compareByTypeThenNumberDesc,
  type HouseholdGame,
  type HouseObject,
  type Receptacle,
  type Wording,
} from './world.js';

/** The outcome of one command. */
export interface CommandResult {
  /** The feedback text the game prints. */
  feedback: string;
  /** Whether the command was admissible (otherwise nothing changed and the feedback is `Nothing happens.`). */
  valid: boolean;
}

/** Goal conditions met out of the total, with ALFWorld's THOR formulas (spec §2.4). */
export interface GoalProgress {
  met: number;
  total: number;
}

type Action = { command: string; apply: () => string };

/**
 * The rules of ALFWorld's text game (TextWorld engine, spec `alfworld.md` §2) over one
 * {@link HouseholdGame}: admissible commands, their effects and feedback, the win test and
 * goal-condition progress. The game passed in is copied; the copy is mutated as commands run.
 *
 * @example
 * const house = new Household(generateGame({ seed: 3 }));
 * house.intro();               // "-= Welcome to TextWorld, ALFRED! =- …"
 * house.admissibleCommands();  // ["go to cabinet 1", …, "inventory", "look"]
 * house.execute('go to fridge 1').feedback; // "You arrive at loc 7. The fridge 1 is closed."
 */
export class Household {
  readonly game: HouseholdGame;
  readonly wording: Wording;
  /** Current location id; `null` in the middle of the room. */
  agentLoc: number | null = null;
  /** The receptacle the agent last went to. */
  facing: string | null = null;
  /** The held object's name. */
  holding: string | null = null;
  private readonly receptacleByName: Map<string, Receptacle>;
  private readonly objectByName: Map<string, HouseObject>;
  private cachedActions?: Action[];

  constructor(game: HouseholdGame, { wording = 'tw-2.1.1' as Wording } = {}) {
    this.game = cloneGame(game);
    this.wording = wording;
    this.receptacleByName = new Map(this.game.receptacles.map((r) => [r.name, r]));
    this.objectByName = new Map(this.game.objects.map((o) => [o.name, o]));
  }

  /** The reset observation: banner, receptacles, goal. */
  intro(): string {
    return introText(
      this.game.receptacles.map((r) => r.name),
      this.game.task.goal,
    );
  }

  receptacle(name: string): Receptacle {
    const r = this.receptacleByName.get(name);
    if (!r) throw new RangeError(`No receptacle named '${name}' in this game`);
    return r;
  }

  object(name: string): HouseObject {
    const o = this.objectByName.get(name);
    if (!o) throw new RangeError(`No object named '${name}' in this game`);
    return o;
  }

  /** The held object, if any. */
  held(): HouseObject | undefined {
    return this.holding ? this.object(this.holding) : undefined;
  }

  /** Objects inside a receptacle, in list order (type A–Z, numbers descending). */
  contents(receptacle: string): HouseObject[] {
    return this.game.objects.filter((o) => o.parent === receptacle).sort(compareByTypeThenNumberDesc);
  }

  /** Receptacles at a location. */
  receptaclesAt(loc: number | null): Receptacle[] {
    if (loc === null) return [];
    return this.game.receptacles.filter((r) => r.loc === loc);
  }

  /** Objects the agent can see: inside reachable (open or doorless) receptacles at its location. */
  visibleObjects(): HouseObject[] {
    return this.receptaclesAt(this.agentLoc)
      .filter((r) => r.isOpen)
      .flatMap((r) => this.contents(r.name));
  }

  /** How a receptacle looks: `The R is closed.` / `The R is open. In it, you see …` / `On the R, you see …`. */
  describe(r: Receptacle): string {
    const items = listItems(this.contents(r.name).map((o) => o.name));
    if (!r.openable) return `On the ${r.name}, you see ${items}.`;
    return r.isOpen ? `The ${r.name} is open. In it, you see ${items}.` : `The ${r.name} is closed.`;
  }

  /** What `examine O` prints (first rule that applies, spec §2.3). */
  examineObject(o: HouseObject): string {
    if (CONTAINER_OBJECT_TYPES.has(o.type)) return `This is a normal ${o.name}. In it, you see nothing.`;
    if (o.hot && o.clean) return `This is a hot and clean ${o.name}.`;
    if (o.cool && o.clean) return `This is a cool and clean ${o.name}.`;
    if (o.hot) return `This is a hot ${o.name}.`;
    if (o.clean) return `This is a clean ${o.name}.`;
    if (o.cool) return `This is a cold ${o.name}.`;
    if (LAMP_TYPES.has(o.type)) return `This ${o.name} is ${o.isOn ? 'on' : 'off'}.`;
    return `There's nothing special about ${o.name}.`;
  }

  /** Every applicable command now, deduplicated and string-sorted as TextWorld lists them. */
  admissibleCommands(): string[] {
    return this.actions().map((a) => a.command);
  }

  /** Runs a command (matched exactly after trimming); anything not admissible prints `Nothing happens.`. */
  execute(command: string): CommandResult {
    const wanted = command.trim();
    const action = this.actions().find((a) => a.command === wanted);
    if (!action) return { feedback: NOTHING_HAPPENS, valid: false };
    const feedback = action.apply();
    this.cachedActions = undefined;
    return { feedback, valid: true };
  }

  /** TextWorld's win test for the task (spec §2.4). */
  won(): boolean {
    const { task } = this.game;
    const targets = this.game.objects.filter((o) => o.type === task.object);
    const inGoalReceptacle = (o: HouseObject) =>
      o.parent !== null && this.receptacle(o.parent).type === task.receptacle;
    switch (task.type) {
      case 'pick_and_place_simple':
        return targets.some(inGoalReceptacle);
      case 'look_at_obj_in_light':
        return this.held()?.type === task.object && this.litLampHere();
      case 'pick_clean_then_place_in_recep':
        return targets.some((o) => o.clean && inGoalReceptacle(o));
      case 'pick_heat_then_place_in_recep':
        return targets.some((o) => o.hot && inGoalReceptacle(o));
      case 'pick_cool_then_place_in_recep':
        return targets.some((o) => o.cool && inGoalReceptacle(o));
      case 'pick_two_obj_and_place':
        return this.mostTargetsInOneGoalReceptacle() >= 2;
    }
  }

  /** Goal conditions met, with THOR's formulas (spec §2.4). */
  goalProgress(): GoalProgress {
    const { task } = this.game;
    const targets = this.game.objects.filter((o) => o.type === task.object);
    const inGoalReceptacle = (o: HouseObject) =>
      o.parent !== null && this.receptacle(o.parent).type === task.receptacle;
    const stateful = (has: (o: HouseObject) => boolean): GoalProgress => ({
      met:
        Number(targets.some(inGoalReceptacle)) +
        Number(targets.some(has)) +
        Number(targets.some((o) => has(o) && inGoalReceptacle(o))),
      total: 3,
    });
    switch (task.type) {
      case 'pick_and_place_simple':
        return { met: Number(targets.some(inGoalReceptacle)), total: 1 };
      case 'look_at_obj_in_light':
        return { met: Number(this.held()?.type === task.object) + Number(this.litLampHere()), total: 2 };
      case 'pick_clean_then_place_in_recep':
        return stateful((o) => o.clean);
      case 'pick_heat_then_place_in_recep':
        return stateful((o) => o.hot);
      case 'pick_cool_then_place_in_recep':
        return stateful((o) => o.cool);
      case 'pick_two_obj_and_place':
        return { met: Math.min(this.mostTargetsInOneGoalReceptacle(), 2), total: 2 };
    }
  }

  /** Goal-condition success rate in [0, 1]. */
  goalConditionSuccessRate(): number {
    const { met, total } = this.goalProgress();
    return met / total;
  }

  private litLampHere(): boolean {
    const { toggle } = this.game.task;
    return this.game.objects.some(
      (o) =>
        o.type === toggle && o.isOn && o.parent !== null && this.receptacle(o.parent).loc === this.agentLoc,
    );
  }

  private mostTargetsInOneGoalReceptacle(): number {
    const { task } = this.game;
    let best = 0;
    for (const r of this.game.receptacles) {
      if (r.type !== task.receptacle) continue;
      best = Math.max(
        best,
        this.game.objects.filter((o) => o.parent === r.name && o.type === task.object).length,
      );
    }
    return best;
  }

  private placeCommand(o: HouseObject, r: Receptacle): Action {
    const modern = this.wording === 'tw-2.1.3';
    return {
      command: modern ? `move ${o.name} to ${r.name}` : `put ${o.name} in/on ${r.name}`,
      apply: () => {
        o.parent = r.name;
        this.holding = null;
        return modern
          ? `You move the ${o.name} to the ${r.name}.`
          : `You put the ${o.name} in/on the ${r.name}.`;
      },
    };
  }

  /** Every admissible action with its effect, sorted by command string. */
  private actions(): Action[] {
    if (this.cachedActions) return this.cachedActions;
    const out: Action[] = [
      { command: 'inventory', apply: () => this.inventoryText() },
      { command: 'look', apply: () => this.lookText() },
    ];
    if (this.wording === 'tw-2.1.3') out.push({ command: 'help', apply: () => HELP_TEXT });
    const held = this.held();
    for (const r of this.game.receptacles) {
      if (r.loc !== this.agentLoc) {
        out.push({ command: `go to ${r.name}`, apply: () => this.goTo(r) });
        continue;
      }
      out.push({ command: `examine ${r.name}`, apply: () => this.describe(r) });
      if (r.openable && !r.isOpen) {
        out.push({
          command: `open ${r.name}`,
          apply: () => {
            r.isOpen = true;
            return `You open the ${r.name}. ${this.describe(r)}`;
          },
        });
      }
      if (r.openable && r.isOpen) {
        out.push({
          command: `close ${r.name}`,
          apply: () => {
            r.isOpen = false;
            return `You close the ${r.name}.`;
          },
        });
      }
      // Heating, cooling and cleaning ignore the door (spec §2.3); taking and putting need it open.
      if (held && r.type === 'microwave' && HEATABLE.has(held.type)) {
        out.push({
          command: `heat ${held.name} with ${r.name}`,
          apply: () => {
            held.hot = true;
            held.cool = false;
            return `You heat the ${held.name} using the ${r.name}.`;
          },
        });
      }
      if (held && r.type === 'fridge' && COOLABLE.has(held.type)) {
        out.push({
          command: `cool ${held.name} with ${r.name}`,
          apply: () => {
            held.cool = true;
            held.hot = false;
            return `You cool the ${held.name} using the ${r.name}.`;
          },
        });
      }
      if (held && r.type === 'sinkbasin' && CLEANABLE.has(held.type)) {
        out.push({
          command: `clean ${held.name} with ${r.name}`,
          apply: () => {
            held.clean = true;
            return `You clean the ${held.name} using the ${r.name}.`;
          },
        });
      }
      if (!r.isOpen) continue;
      for (const o of this.contents(r.name)) {
        out.push({ command: `examine ${o.name}`, apply: () => this.examineObject(o) });
        if (o.pickupable && !held) {
          out.push({
            command: `take ${o.name} from ${r.name}`,
            apply: () => {
              o.parent = null;
              this.holding = o.name;
              return `You pick up the ${o.name} from the ${r.name}.`;
            },
          });
        }
        if (LAMP_TYPES.has(o.type)) {
          out.push({
            command: `use ${o.name}`,
            apply: () => {
              o.isOn = true;
              return `You turn on the ${o.name}.`;
            },
          });
        }
      }
      if (held && accepts(r.type, held.type)) out.push(this.placeCommand(held, r));
    }
    if (held) out.push({ command: `examine ${held.name}`, apply: () => this.examineObject(held) });
    const seen = new Map<string, Action>();
    for (const a of out) if (!seen.has(a.command)) seen.set(a.command, a);
    this.cachedActions = [...seen.values()].sort((a, b) =>
      a.command < b.command ? -1 : a.command > b.command ? 1 : 0,
    );
    return this.cachedActions;
  }

  private goTo(r: Receptacle): string {
    this.agentLoc = r.loc;
    this.facing = r.name;
    const arrival =
      this.wording === 'tw-2.1.3' ? `You arrive at ${r.name}. ` : `You arrive at loc ${r.loc}. `;
    return arrival + this.describe(r);
  }

  private inventoryText(): string {
    return this.holding ? `You are carrying: a ${this.holding}.` : 'You are not carrying anything.';
  }

  private lookText(): string {
    if (this.facing === null) return MIDDLE_OF_ROOM_LOOK;
    return `You are facing the ${this.facing}. Next to it, you see nothing.`;
  }
}

const HELP_TEXT = [
  'Available commands:',
  '  look:                             look around your current location',
  '  inventory:                        check your current inventory',
  '  go to (receptacle):               move to a receptacle',
  '  open (receptacle):                open a receptacle',
  '  close (receptacle):               close a receptacle',
  '  take (object) from (receptacle):  take an object from a receptacle',
  '  move (object) to (receptacle):    place an object in or on a receptacle',
  '  examine (something):              examine a receptacle or an object',
  '  use (object):                     use an object',
  '  heat (object) with (receptacle):  heat an object using a receptacle',
  '  clean (object) with (receptacle): clean an object using a receptacle',
  '  cool (object) with (receptacle):  cool an object using a receptacle',
].join('\n');
