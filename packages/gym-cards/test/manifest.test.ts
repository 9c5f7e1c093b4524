import { readFileSync } from 'node:fs';
import { EnvRegistry, InvalidKwargsError, registerManifest, validateEnvManifest } from '@rl4vlm/env';
import { describe, expect, it } from 'vitest';
import gymCards, { GYM_CARDS_IDS, type NumberLineEnv, registerGymCards, VERSION } from '../src/index.js';

describe('plugin manifest', () => {
  it('is the default export, valid, and names the package and its version', () => {
    const manifest = validateEnvManifest(gymCards, '@rl4vlm/gym-cards');
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(manifest.name).toBe(pkg.name);
    expect(VERSION).toBe(pkg.version);
    expect(manifest.envs.map((e) => e.id)).toEqual(Object.values(GYM_CARDS_IDS));
    for (const spec of manifest.envs) {
      expect(spec.maxEpisodeSteps).toBe(300);
      expect(typeof spec.text).toBe('function');
    }
  });

  it('registers through registerManifest and through registerGymCards, and makes each env', async () => {
    const viaManifest = new EnvRegistry();
    registerManifest(gymCards, { registry: viaManifest });
    const viaHelper = new EnvRegistry();
    registerGymCards({ registry: viaHelper });
    expect(viaHelper.ids()).toEqual(viaManifest.ids());
    for (const id of viaHelper.ids()) {
      const env = viaHelper.make(id);
      const { observation } = await env.reset({ seed: 1 });
      expect(observation).toMatchObject({ width: 300, height: 300 });
      expect(env.spec?.maxEpisodeSteps).toBe(300);
    }
    expect(() => registerGymCards({ registry: viaHelper })).toThrow(/already registered/);
  });

  it('validates kwargs with clear errors and applies valid ones', () => {
    const registry = new EnvRegistry();
    registerGymCards({ registry });
    expect(() => registry.make(GYM_CARDS_IDS.numberLine, { maxPosition: 0 })).toThrow(InvalidKwargsError);
    expect(() => registry.make(GYM_CARDS_IDS.numberLine, { maxPositon: 7 })).toThrow(/maxPositon/);
    expect(() => registry.make(GYM_CARDS_IDS.blackjack, { natural: 'yes' })).toThrow(/natural/);
    expect(() => registry.make(GYM_CARDS_IDS.points24, { treatFaceCardsAs10: false })).not.toThrow();
    const env = registry.make(GYM_CARDS_IDS.numberLine, { maxPosition: 9 });
    expect(env.spec?.kwargs).toEqual({ maxPosition: 9 });
    expect((env as unknown as { unwrapped: NumberLineEnv }).unwrapped.maxPosition).toBe(9);
  });
});
