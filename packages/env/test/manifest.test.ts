import { describe, expect, it } from 'vitest';
import {
  EnvRegistry,
  InvalidManifestError,
  PluginManifestError,
  registerManifest,
  validateEnvManifest,
} from '../src/index.js';
import { WalkEnv } from './fixtures/walk-env.js';

const good = () => ({
  specificationVersion: 'rl4vlm.env/v1',
  name: 'walk-plugin',
  version: '1.2.3',
  envs: [{ id: 'walk/Walk-v0', factory: () => new WalkEnv(), maxEpisodeSteps: 10 }],
});

function fieldsOf(value: unknown): string[] {
  try {
    validateEnvManifest(value, 'walk-plugin');
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidManifestError);
    return (e as InvalidManifestError).fields;
  }
  return [];
}

describe('env plugin manifest', () => {
  it('accepts a valid manifest and registers its envs', () => {
    const r = new EnvRegistry();
    const m = registerManifest(good(), { registry: r });
    expect(m.name).toBe('walk-plugin');
    expect(r.ids()).toEqual(['walk/Walk-v0']);
  });

  it('rejects a malformed manifest with the field name', () => {
    expect(fieldsOf({ ...good(), specificationVersion: 'rl4vlm.env/v0' })).toEqual(['specificationVersion']);
    expect(fieldsOf({ ...good(), version: 'latest' })).toEqual(['version']);
    const { name: _n, ...noName } = good();
    expect(fieldsOf(noName)).toEqual(['name']);
    expect(fieldsOf({ ...good(), envs: [{ id: 'walk', factory: () => null }] })).toEqual(['envs[0].id']);
    expect(fieldsOf({ ...good(), envs: [{ id: 'walk/Walk-v0', factory: 'not a function' }] })).toEqual([
      'envs[0].factory',
    ]);
    expect(fieldsOf({ ...good(), envs: [] })).toEqual(['envs']);
    expect(() => validateEnvManifest({ ...good(), version: 'x' }, 'walk-plugin')).toThrow(
      /Invalid env plugin manifest from walk-plugin:\n {2}- version: must be a semver/,
    );
    expect(() => validateEnvManifest(null, 'broken-pkg')).toThrow(/broken-pkg/);
  });

  it('rejects a manifest listing an id twice', () => {
    const m = good();
    m.envs.push(m.envs[0]!);
    expect(() => validateEnvManifest(m, 'dup')).toThrow(/lists 'walk\/Walk-v0' twice/);
  });

  it("throws a PluginManifestError (the base of every plugin kind's) with structured problems", () => {
    try {
      validateEnvManifest({ ...good(), version: 'x' }, 'walk-plugin');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PluginManifestError);
      const err = e as PluginManifestError;
      expect([err.name, err.source]).toEqual(['InvalidManifestError', 'walk-plugin']);
      expect(err.problems).toEqual([
        { field: 'version', message: "must be a semver version such as '1.0.0'" },
      ]);
    }
  });
});

describe('env spec oracle', () => {
  it('accepts an oracle function and rejects anything else, naming the field', () => {
    const m = good() as any;
    m.envs[0].oracle = () => () => '{"action": "right"}';
    expect(validateEnvManifest(m, 'walk').envs[0]!.oracle).toBeTypeOf('function');
    m.envs[0].oracle = 'expert';
    expect(fieldsOf(m)).toEqual(['envs[0].oracle']);
  });
});
