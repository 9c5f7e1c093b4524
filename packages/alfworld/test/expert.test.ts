import { Rng } from '@rl4vlm/env';
import { describe, expect, it } from 'vitest';
import { accepts } from '../src/household/catalog.js';
import { expertNextCommand, expertNextStep, expertPlan } from '../src/household/expert.js';
import { generateGame } from '../src/household/generator.js';
import { Household } from '../src/household/household.js';
import { TASK_ROOMS, TASK_TYPES } from '../src/household/task-types.js';

const GAMES_PER_TYPE = 1000;

describe('expert planner', () => {
  for (const type of TASK_TYPES) {
    it(`solves ${GAMES_PER_TYPE} of ${GAMES_PER_TYPE} generated ${type} games, every command admissible`, () => {
      let solved = 0;
      let longest = 0;
      const rooms = new Set<string>();
      for (let seed = 0; seed < GAMES_PER_TYPE; seed++) {
        const game = generateGame({ seed: seed * 7919 + 13, taskTypes: [type] });
        expect(game.task.type).toBe(type);
        rooms.add(game.room);
        const house = new Household(game);
        // The goal must be unmet at reset (spec §4.5).
        expect(house.won()).toBe(false);
        for (const step of expertPlan(game)) {
          expect(house.admissibleCommands()).toContain(step.command);
          house.execute(step.command);
        }
        if (house.won()) solved++;
        longest = Math.max(longest, expertPlan(game).length);
      }
      expect(solved).toBe(GAMES_PER_TYPE);
      expect(longest).toBeLessThanOrEqual(25);
      // Every room this type is valid in shows up.
      expect([...rooms].sort()).toEqual([...TASK_ROOMS[type]].sort());
    });
  }

  it('recovers from states off its own path (holding a distractor, doors open elsewhere)', () => {
    for (let seed = 0; seed < 200; seed++) {
      const game = generateGame({ seed });
      const house = new Household(game);
      // Wander: take the first takeable non-target thing, open what can be opened.
      for (let i = 0; i < 6; i++) {
        const cmds = house.admissibleCommands();
        const pick =
          cmds.find((c) => c.startsWith('take ') && !c.startsWith(`take ${game.task.object} `)) ??
          cmds.find((c) => c.startsWith('open ')) ??
          cmds.filter((c) => c.startsWith('go to '))[(seed + i) % 3]!;
        house.execute(pick);
      }
      for (let t = 0; t < 40 && !house.won(); t++) {
        const cmd = expertNextCommand(house)!;
        expect(house.execute(cmd).valid).toBe(true);
      }
      expect(house.won()).toBe(true);
      expect(expertNextCommand(house)).toBeUndefined();
    }
  });
});

describe('search expert (knowledge: search)', () => {
  for (const type of TASK_TYPES) {
    it(`solves ${GAMES_PER_TYPE} of ${GAMES_PER_TYPE} generated ${type} games within 50 steps, every command admissible`, () => {
      let longest = 0;
      for (let seed = 0; seed < GAMES_PER_TYPE; seed++) {
        const game = generateGame({ seed: seed * 7919 + 13, taskTypes: [type] });
        const house = new Household(game);
        const plan = expertPlan(game, { knowledge: 'search' });
        for (const step of plan) {
          expect(house.admissibleCommands()).toContain(step.command);
          house.execute(step.command);
        }
        expect(house.won()).toBe(true);
        longest = Math.max(longest, plan.length);
      }
      expect(longest).toBeLessThanOrEqual(50);
    });
  }

  it('acts on what is in view only: hiding the objects elsewhere changes nothing until it sees them', () => {
    let fullDiffers = 0;
    for (let seed = 0; seed < 200; seed++) {
      const game = generateGame({ seed });
      // The same room and task with every target object moved into another receptacle that accepts it.
      const moved = structuredClone(game);
      for (const o of moved.objects.filter((x) => x.type === game.task.object)) {
        const other = moved.receptacles.find(
          (r) => r.name !== o.parent && r.type !== game.task.receptacle && accepts(r.type, o.type),
        );
        if (other) o.parent = other.name;
      }
      const a = new Household(game);
      const b = new Household(moved);
      // From the middle of the room nothing is in view: the same first move whatever is hidden where.
      expect(expertNextCommand(b, { knowledge: 'search' })).toBe(
        expertNextCommand(a, { knowledge: 'search' }),
      );
      if (expertNextCommand(a) !== expertNextCommand(b)) fullDiffers++;
    }
    // The full expert walks to where the objects are, so it does notice.
    expect(fullDiffers).toBeGreaterThan(50);
  });
});

describe('search expert off its own path', () => {
  it('finds a pick-two object that was put in another receptacle of the goal type (it threw "nowhere left to look")', () => {
    // Found by a GiGPO rollout: one wateringcan in drawer 4, the other in drawer 1, the agent at
    // the coffee table, the only other place a wateringcan fits.
    const house = new Household(generateGame({ seed: 2081408996 }));
    expect(house.game.task.type).toBe('pick_two_obj_and_place');
    for (const command of [
      'go to coffeetable 1',
      'take wateringcan 2 from coffeetable 1',
      'go to drawer 4',
      'put wateringcan 2 in/on drawer 4',
      'go to coffeetable 1',
      'take wateringcan 1 from coffeetable 1',
      'go to drawer 1',
      'open drawer 1',
      'put wateringcan 1 in/on drawer 1',
      'go to coffeetable 1',
    ])
      expect(house.execute(command).valid, command).toBe(true);
    // From here the expert still wins: it fetches the wateringcan from the other drawer.
    let steps = 0;
    for (
      let step = expertNextStep(house, { knowledge: 'search' });
      step;
      step = expertNextStep(house, { knowledge: 'search' })
    ) {
      expect(house.execute(step.command).valid, step.command).toBe(true);
      expect(++steps).toBeLessThan(50);
    }
    expect(house.won()).toBe(true);
  });
});

describe("the search expert's plan (the 'plan' thought)", () => {
  it('lists what is in view, then the places in search order, and goes to the one it names, also off its own path', () => {
    const rng = new Rng(5);
    const counts = { search: 0, fresh: 0, after: 0, wrap: 0, take: 0 };
    for (let seed = 0; seed < 300; seed++) {
      const house = new Household(generateGame({ seed }));
      for (let t = 0; t < 50; t++) {
        const step = expertNextStep(house, { knowledge: 'search' });
        if (!step) break;
        if (step.plan) {
          const view = house.visibleObjects().map((o) => o.name);
          expect(
            step.plan.startsWith(view.length ? `In view: ${view.join(', ')}. ` : 'Nothing in view. '),
          ).toBe(true);
          const places = /Places to search: ([^;]+); (.*)$/.exec(step.plan);
          if (step.command.startsWith('take ')) counts.take++;
          if (places) {
            counts.search++;
            const list = places[1]!.split(', ');
            expect(list).toEqual([...list].sort());
            const target = step.command.replace(/^go to /, '');
            expect(list).toContain(target);
            const facing = house.facing;
            if (facing === null) {
              counts.fresh++;
              expect(places[2]).toBe(`I face none of them yet, so I start with the ${target}`);
              expect(target).toBe(list.find((r) => house.receptacle(r).loc !== house.agentLoc));
            } else if (places[2]!.startsWith('after')) {
              counts.after++;
              expect(places[2]).toBe(`after the ${facing} comes the ${target}`);
              // Nothing between the place faced and the target but places where the agent stands.
              const between = list.filter((r) => r > facing && r < target);
              expect(between.every((r) => house.receptacle(r).loc === house.agentLoc)).toBe(true);
            } else {
              counts.wrap++;
              expect(places[2]).toBe(`none comes after the ${facing}, so I start over with the ${target}`);
            }
          }
        }
        // Now and then a random admissible command, so the plan is checked off the expert's path too.
        const admissible = house.admissibleCommands();
        house.execute(rng.float() < 0.3 ? admissible[rng.int(0, admissible.length - 1)]! : step.command);
      }
    }
    expect(counts.search).toBeGreaterThan(500);
    expect(counts.take).toBeGreaterThan(100);
    for (const kind of ['fresh', 'after', 'wrap'] as const) expect(counts[kind]).toBeGreaterThan(5);
  });
});
