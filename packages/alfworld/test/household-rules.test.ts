import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accepts, LAMP_HOLDERS } from '../src/household/catalog.js';
import { generateGame } from '../src/household/generator.js';
import { Household } from '../src/household/household.js';
import { listItems } from '../src/household/phrases.js';
import type { HouseholdGame } from '../src/household/world.js';

/** A hand-made kitchen so every feedback text can be checked word for word. */
function kitchen(): HouseholdGame {
  const r = (type: string, num: number, loc: number, openable = false) => ({
    name: `${type} ${num}`,
    type,
    num,
    loc,
    openable,
    isOpen: !openable,
  });
  const o = (type: string, num: number, parent: string | null, pickupable = true) => ({
    name: `${type} ${num}`,
    type,
    num,
    parent,
    pickupable,
    hot: false,
    cool: false,
    clean: false,
    isOn: false,
  });
  return {
    room: 'kitchen',
    seed: 0,
    task: {
      type: 'pick_heat_then_place_in_recep',
      object: 'apple',
      receptacle: 'countertop',
      template: 0,
      goal: 'put a hot apple in countertop',
    },
    receptacles: [
      r('cabinet', 2, 3, true),
      r('cabinet', 1, 4),
      r('countertop', 1, 5),
      r('fridge', 1, 6, true),
      r('microwave', 1, 7, true),
      r('sinkbasin', 1, 8),
      r('stoveburner', 2, 9),
      r('stoveburner', 1, 9),
    ],
    objects: [
      o('apple', 1, 'fridge 1'),
      o('egg', 1, 'fridge 1'),
      o('mug', 1, 'cabinet 2'),
      o('cup', 1, 'countertop 1'),
    ],
  };
}

describe('Household rules (TextWorld 2.1.1 wording)', () => {
  it('lists items with "a", commas and a final ", and"', () => {
    expect(listItems([])).toBe('nothing');
    expect(listItems(['egg 1'])).toBe('a egg 1');
    expect(listItems(['cup 1', 'egg 1'])).toBe('a cup 1, and a egg 1');
    expect(listItems(['a 1', 'b 2', 'c 3'])).toBe('a a 1, a b 2, and a c 3');
  });

  it('prints the intro in three blocks with receptacles by type, numbers descending', () => {
    const house = new Household(kitchen());
    expect(house.intro()).toBe(
      '-= Welcome to TextWorld, ALFRED! =-\n\n' +
        'You are in the middle of a room. Looking quickly around you, you see a cabinet 2, a cabinet 1, a countertop 1, a fridge 1, a microwave 1, a sinkbasin 1, a stoveburner 2, and a stoveburner 1.\n\n' +
        'Your task is to: put a hot apple in countertop.',
    );
    expect(house.admissibleCommands()).toEqual([
      'go to cabinet 1',
      'go to cabinet 2',
      'go to countertop 1',
      'go to fridge 1',
      'go to microwave 1',
      'go to sinkbasin 1',
      'go to stoveburner 1',
      'go to stoveburner 2',
      'inventory',
      'look',
    ]);
    expect(house.execute('look').feedback).toBe(
      'You are in the middle of a room. Looking quickly around you, you see nothing.',
    );
    expect(house.execute('inventory').feedback).toBe('You are not carrying anything.');
  });

  it('plays a heat task with the exact feedback texts and THOR goal conditions', () => {
    const house = new Household(kitchen());
    const run = (cmd: string) => house.execute(cmd).feedback;
    expect(run('go to fridge 1')).toBe('You arrive at loc 6. The fridge 1 is closed.');
    expect(house.admissibleCommands()).toContain('open fridge 1');
    expect(house.admissibleCommands()).not.toContain('take apple 1 from fridge 1');
    expect(run('take apple 1 from fridge 1')).toBe('Nothing happens.');
    expect(run('open fridge 1')).toBe(
      'You open the fridge 1. The fridge 1 is open. In it, you see a apple 1, and a egg 1.',
    );
    expect(run('examine apple 1')).toBe("There's nothing special about apple 1.");
    expect(run('take apple 1 from fridge 1')).toBe('You pick up the apple 1 from the fridge 1.');
    // One object at a time: nothing else can be taken.
    expect(house.admissibleCommands().some((c) => c.startsWith('take '))).toBe(false);
    expect(run('inventory')).toBe('You are carrying: a apple 1.');
    expect(run('cool apple 1 with fridge 1')).toBe('You cool the apple 1 using the fridge 1.');
    expect(run('examine apple 1')).toBe('This is a cold apple 1.');
    expect(run('close fridge 1')).toBe('You close the fridge 1.');
    expect(run('look')).toBe('You are facing the fridge 1. Next to it, you see nothing.');
    expect(run('go to microwave 1')).toBe('You arrive at loc 7. The microwave 1 is closed.');
    // The microwave door does not matter for heating.
    expect(house.goalProgress()).toEqual({ met: 0, total: 3 });
    expect(run('heat apple 1 with microwave 1')).toBe('You heat the apple 1 using the microwave 1.');
    expect(run('examine apple 1')).toBe('This is a hot apple 1.');
    expect(house.goalProgress()).toEqual({ met: 1, total: 3 });
    expect(run('go to countertop 1')).toBe('You arrive at loc 5. On the countertop 1, you see a cup 1.');
    expect(run('examine countertop 1')).toBe('On the countertop 1, you see a cup 1.');
    expect(house.won()).toBe(false);
    expect(run('put apple 1 in/on countertop 1')).toBe('You put the apple 1 in/on the countertop 1.');
    expect(house.won()).toBe(true);
    expect(house.goalConditionSuccessRate()).toBe(1);
    expect(run('examine cup 1')).toBe('This is a normal cup 1. In it, you see nothing.');
  });

  it('shares locations: no "go to" between receptacles at the same spot, both reachable from there', () => {
    const house = new Household(kitchen());
    house.execute('go to stoveburner 1');
    const cmds = house.admissibleCommands();
    expect(cmds).not.toContain('go to stoveburner 2');
    expect(cmds).toContain('examine stoveburner 2');
  });

  it('cleans only at a sink basin, and "clean" + "hot" read "hot and clean"', () => {
    const house = new Household(kitchen());
    house.execute('go to countertop 1');
    house.execute('take cup 1 from countertop 1');
    expect(house.admissibleCommands().some((c) => c.startsWith('clean'))).toBe(false);
    house.execute('go to sinkbasin 1');
    expect(house.execute('clean cup 1 with sinkbasin 1').feedback).toBe(
      'You clean the cup 1 using the sinkbasin 1.',
    );
    house.execute('go to microwave 1');
    house.execute('heat cup 1 with microwave 1');
    // Containers are described as containers first (rule 1).
    expect(house.execute('examine cup 1').feedback).toBe('This is a normal cup 1. In it, you see nothing.');
    expect(house.object('cup 1')).toMatchObject({ hot: true, clean: true, cool: false });
  });

  it('refuses a put where the receptacle does not accept the object', () => {
    const house = new Household(kitchen());
    house.execute('go to cabinet 2');
    house.execute('open cabinet 2');
    house.execute('take mug 1 from cabinet 2');
    house.execute('go to stoveburner 1');
    expect(house.admissibleCommands().some((c) => c.startsWith('put '))).toBe(false);
    house.execute('go to countertop 1');
    expect(house.admissibleCommands()).toContain('put mug 1 in/on countertop 1');
  });

  it('speaks the 2.1.3 wording when asked', () => {
    const house = new Household(kitchen(), { wording: 'tw-2.1.3' });
    expect(house.execute('go to countertop 1').feedback).toBe(
      'You arrive at countertop 1. On the countertop 1, you see a cup 1.',
    );
    house.execute('take cup 1 from countertop 1');
    expect(house.admissibleCommands()).toContain('move cup 1 to countertop 1');
    expect(house.admissibleCommands()).toContain('help');
    expect(house.execute('move cup 1 to countertop 1').feedback).toBe(
      'You move the cup 1 to the countertop 1.',
    );
  });

  it('never changes state on an inadmissible command (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.string(),
        fc.array(fc.nat(), { maxLength: 8 }),
        (seed, junk, path) => {
          const house = new Household(generateGame({ seed }));
          for (const i of path) {
            const cmds = house.admissibleCommands();
            house.execute(cmds[i % cmds.length]!);
          }
          const before = JSON.stringify([house.game, house.agentLoc, house.holding, house.facing]);
          const cmds = house.admissibleCommands();
          const result = house.execute(junk);
          if (!cmds.includes(junk.trim())) {
            expect(result).toEqual({ feedback: 'Nothing happens.', valid: false });
            expect(JSON.stringify([house.game, house.agentLoc, house.holding, house.facing])).toBe(before);
          }
          // The admissible list is always sorted, deduplicated and holds inventory and look.
          const after = house.admissibleCommands();
          expect([...after].sort()).toEqual(after);
          expect(new Set(after).size).toBe(after.length);
          expect(after).toContain('inventory');
          expect(after).toContain('look');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('generateGame', () => {
  it('is reproducible from the seed and differs across seeds', () => {
    for (let seed = 0; seed < 300; seed++) expect(generateGame({ seed })).toEqual(generateGame({ seed }));
    const distinct = new Set(Array.from({ length: 50 }, (_, seed) => JSON.stringify(generateGame({ seed }))));
    expect(distinct.size).toBe(50);
  });

  it('keeps task types to ALFRED rooms and refuses impossible filters with a clear error', () => {
    for (let seed = 0; seed < 100; seed++) {
      expect(generateGame({ seed, taskTypes: ['pick_heat_then_place_in_recep'] }).room).toBe('kitchen');
      expect(['livingroom', 'bedroom']).toContain(
        generateGame({ seed, taskTypes: ['look_at_obj_in_light'] }).room,
      );
    }
    expect(() =>
      generateGame({ seed: 1, taskTypes: ['pick_heat_then_place_in_recep'], rooms: ['bathroom'] }),
    ).toThrow(/No task type .* can be generated in rooms \[bathroom\]/);
  });

  it('numbers objects and receptacles from 1 per type and places objects only where accepted', () => {
    for (let seed = 0; seed < 200; seed++) {
      const game = generateGame({ seed });
      const byType = new Map<string, number[]>();
      for (const x of [...game.receptacles, ...game.objects])
        byType.set(x.type, [...(byType.get(x.type) ?? []), x.num]);
      for (const nums of byType.values())
        expect([...nums].sort((a, b) => a - b)).toEqual(nums.map((_, i) => i + 1));
      const house = new Household(game);
      for (const o of game.objects) {
        const parent = house.receptacle(o.parent!);
        if (o.type === 'desklamp') expect(LAMP_HOLDERS).toContain(parent.type);
        else expect(accepts(parent.type, o.type), `${o.name} in ${parent.name}`).toBe(true);
      }
    }
  });
});
