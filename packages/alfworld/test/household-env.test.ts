import { readFileSync } from 'node:fs';
import { decodePng, EnvRegistry, encodePng, imagesEqual, make, registerManifest, TextEnv } from '@rl4vlm/env';
import { describeEnvConformance } from '@rl4vlm/env/conformance';
import { describe, expect, it } from 'vitest';
import { expertNextStep } from '../src/household/expert.js';
import { generateGame } from '../src/household/generator.js';
import { HouseholdEnv, type HouseholdInfo } from '../src/household/household-env.js';
import manifest from '../src/index.js';
import { writeExpertReply } from '../src/text/expert-reply.js';

// The conformance suite deep-compares observations with toEqual, which costs ~10 µs per image
// byte; the visual run keeps frames small and episodes short so it stays quick.
describeEnvConformance(
  'alfworld/Household-v0 (visual, 64 px, 8-step episodes)',
  () => new HouseholdEnv({ imageSize: 64, maxSteps: 8 }),
  { seeds: [0, 1], maxSteps: 10 },
);
describeEnvConformance('alfworld/Household-v0 (text only)', () => new HouseholdEnv({ image: false }), {
  maxSteps: 60,
});

describe('HouseholdEnv', () => {
  it('reset returns the intro, admissible commands and the ALFWorld info fields', () => {
    const env = new HouseholdEnv({ image: false });
    const { observation, info } = env.reset({ seed: 5 });
    const i = info as HouseholdInfo;
    expect(observation.text.startsWith('-= Welcome to TextWorld, ALFRED! =-\n\n')).toBe(true);
    expect(observation.text).toContain(`Your task is to: ${i.goal}.`);
    expect(i.admissibleCommands).toContain('look');
    expect(i.won).toBe(false);
    expect(i.goalConditionSuccessRate).toBe(0);
    expect(i.commandValid).toBe(true);
    expect(i.stepIndex).toBe(0);
    expect(generateGame({ seed: i.gameSeed }).task.type).toBe(i.taskType);
  });

  it('follows info.expertCommand to a win: terminated, reward 1, goal rate 1', () => {
    const env = new HouseholdEnv({ image: false });
    for (let seed = 0; seed < 30; seed++) {
      let { info } = env.reset({ seed });
      let last: ReturnType<HouseholdEnv['step']> | undefined;
      for (let t = 0; t < 50; t++) {
        last = env.step((info as HouseholdInfo).expertCommand!);
        info = last.info;
        if (last.terminated) break;
      }
      expect(last!.terminated).toBe(true);
      expect(last!.truncated).toBe(false);
      expect(last!.reward).toBe(1);
      expect(last!.info.won).toBe(true);
      expect(last!.info.goalConditionSuccessRate).toBe(1);
    }
  });

  it('an inadmissible command prints "Nothing happens.", sets commandValid false, and the episode truncates at maxSteps', () => {
    const env = new HouseholdEnv({ image: false, maxSteps: 5 });
    env.reset({ seed: 1 });
    for (let t = 1; t <= 5; t++) {
      const step = env.step('fly to the moon');
      expect(step.observation.text).toBe('Nothing happens.');
      expect(step.info.commandValid).toBe(false);
      expect(step.truncated).toBe(t === 5);
      expect(step.terminated).toBe(false);
    }
  });

  it('honours reset options: taskType, gameSeed, and a given game', () => {
    const env = new HouseholdEnv({ image: false });
    expect(env.reset({ seed: 0, options: { taskType: 'Cool' } }).info.taskType).toBe(
      'pick_cool_then_place_in_recep',
    );
    const a = env.reset({ options: { gameSeed: 77 } }).observation.text;
    expect(env.reset({ options: { game: generateGame({ seed: 77 }) } }).observation.text).toBe(a);
    expect(() => env.reset({ options: { taskType: 'Juggle' } })).toThrow(
      /Unknown ALFWorld task type "Juggle"; allowed: pick_and_place_simple/,
    );
  });

  it('rejects bad options with a message naming the field', () => {
    expect(() => new HouseholdEnv({ imageSize: 10 })).toThrow(/imageSize/);
    expect(() => new HouseholdEnv({ rooms: ['garage' as never] })).toThrow(/rooms/);
    expect(() => new HouseholdEnv({ imagesize: 64 } as never)).toThrow(/Unrecognized key.*imagesize/);
    expect(() => new HouseholdEnv({ taskTypes: [9] })).toThrow(/taskTypes\.0: Unknown ALFWorld task type 9/);
  });

  it('renders a frame that changes with the state and survives a PNG round trip', () => {
    const env = new HouseholdEnv({ imageSize: 128 });
    const { observation, info } = env.reset({ seed: 2 });
    expect(observation.image!.width).toBe(128);
    const step = env.step((info as HouseholdInfo).expertCommand!);
    expect(imagesEqual(observation.image!, step.observation.image!)).toBe(false);
    expect(imagesEqual(step.observation.image!, env.render())).toBe(true);
    expect(imagesEqual(decodePng(encodePng(env.render())), env.render())).toBe(true);
  });
});

describe('plugin manifest', () => {
  it('is a valid rl4vlm.env/v1 manifest whose envs have text factories', () => {
    const registry = new EnvRegistry();
    const m = registerManifest(manifest, { registry });
    expect(m.specificationVersion).toBe('rl4vlm.env/v1');
    expect(m.name).toBe('@rl4vlm/alfworld');
    expect(registry.ids()).toContain('alfworld/Household-v0');
    for (const spec of m.envs) expect(typeof spec.text).toBe('function');
  });

  it('makes Household-v0 with validated kwargs and pays the RL4VLM reward by default', async () => {
    const registry = new EnvRegistry();
    registerManifest(manifest, { registry });
    expect(() => registry.make('alfworld/Household-v0', { reward: { successBonus: 'lots' } })).toThrow(
      /reward/,
    );
    const env = registry.make('alfworld/Household-v0', { image: false });
    const spec = registry.spec('alfworld/Household-v0');
    const text = new TextEnv(env, spec.text!({ cot: true }));
    let { observation, info } = await text.reset({ seed: 3 });
    let total = 0;
    for (let t = 0; t < 50; t++) {
      const inner = (env as any).unwrapped as HouseholdEnv;
      const step = expertNextStep(inner.household)!;
      const reply = writeExpertReply(step, { observationText: observation.text, goal: info.goal as string });
      const result = await text.step(reply);
      expect(result.info.parse).toMatchObject({ ok: true, action: step.command });
      total += result.reward;
      ({ observation, info } = result);
      if (result.terminated) {
        expect(result.reward).toBe(51);
        break;
      }
    }
    expect(total).toBeGreaterThan(51);
    const bare = registry.make('alfworld/Household-v0', { image: false, reward: false });
    await bare.reset({ seed: 0 });
    expect((await bare.step('nonsense')).reward).toBe(0);
  });

  it('keeps the manifest version in step with package.json and lists both envs', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(manifest.version).toBe(pkg.version);
    expect(manifest.envs.map((e) => e.id)).toEqual(['alfworld/Household-v0', 'alfworld/Bridge-v0']);
  });

  it('default export equals make() through the global registry', () => {
    registerManifest(manifest, { override: true });
    const env = make('alfworld/Household-v0', { image: false });
    expect(env.spec?.id).toBe('alfworld/Household-v0');
  });
});
