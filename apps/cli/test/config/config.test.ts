import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, deepMerge, PRESETS, parseSet, resolveConfig } from '../../src/config/index.js';

function configFile(name: string, text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rl4vlm-config-'));
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('config files', () => {
  it('reads YAML, fills defaults and keeps the file folder for relative plugin paths', () => {
    const file = configFile(
      'run.yaml',
      'env:\n  id: gym-cards/NumberLine-v0\nppo:\n  numUpdates: 3\nplugins: [./my-plugin]\n',
    );
    const { config, baseDir } = resolveConfig({ file });
    expect(config.env.id).toBe('gym-cards/NumberLine-v0');
    expect(config.ppo.numUpdates).toBe(3);
    expect(config.ppo.gamma).toBe(0.9);
    expect(config.policy.id).toBe('tfjs:tiny');
    expect(config.stages).toEqual(['sft', 'ppo']);
    expect(config.plugins).toEqual(['./my-plugin']);
    expect(baseDir).toBe(path.dirname(file));
  });

  it('reads JSON too', () => {
    const file = configFile('run.json', JSON.stringify({ env: { id: 'a/B-v0' }, seed: 7 }));
    expect(resolveConfig({ file }).config.seed).toBe(7);
  });

  it('names a misspelled key, its value, the closest allowed key and the allowed keys', () => {
    const file = configFile('bad.yaml', 'env:\n  id: gym-cards/NumberLine-v0\nppo:\n  epochz: 3\n');
    const error = configError(() => resolveConfig({ file }));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(
      /^ppo\.epochz: unknown key \(value 3\)\. Did you mean 'epochs'\? Allowed here: .*numUpdates/,
    );
  });

  it('names misspelled top-level and deeply nested keys', () => {
    const error = configError(() =>
      resolveConfig({ overrides: { env: { id: 'x/Y-v0' }, sed: 1, ppo: { schedule: { lrr: 1 } } } }),
    );
    expect(error.problems.map((p) => p.split(':')[0])).toEqual(['sed', 'ppo.schedule.lrr']);
    expect(error.message).toMatch(/Did you mean 'seed'/);
    expect(error.message).toMatch(/Did you mean 'lr'/);
  });

  it('names a bad value, what was given and what is allowed', () => {
    const error = configError(() =>
      resolveConfig({
        overrides: {
          env: { id: 'x/Y-v0' },
          ppo: { clipRatio: -1, split: { mode: 'middle' } },
          stages: ['rl'],
        },
      }),
    );
    const text = error.message;
    expect(text).toMatch(/ppo\.clipRatio: .*>0.* \(got -1\)/);
    expect(text).toMatch(/ppo\.split\.mode: .*"actionKey".*"lastTokens".* \(got "middle"\)/);
    expect(text).toMatch(/stages\.0: must be one of 'sft', 'ppo' \(got "rl"\)/);
  });

  it('says when a required key is missing', () => {
    expect(configError(() => resolveConfig({})).message).toMatch(/env: is required/);
  });

  it('rejects a file that is not valid YAML, or not a mapping', () => {
    expect(configError(() => resolveConfig({ file: configFile('x.yaml', 'env: [\n') })).message).toMatch(
      /not valid YAML/,
    );
    expect(configError(() => resolveConfig({ file: configFile('x.yaml', '- a\n- b\n') })).message).toMatch(
      /must be a mapping/,
    );
    expect(configError(() => resolveConfig({ file: '/nope/x.yaml' })).message).toMatch(/no config file at/);
  });

  it('applies preset < file < flags < --set', () => {
    const file = configFile('p.yaml', 'preset: numberline\nppo:\n  numUpdates: 9\n  epochs: 2\nseed: 5\n');
    const { config } = resolveConfig({
      file,
      overrides: { ppo: { epochs: 3 }, seed: 6 },
      sets: ['seed=8', 'stages=[ppo]', 'policy.id=tfjs:small'],
    });
    expect(config.env.id).toBe('gym-cards/NumberLine-v0'); // from the preset
    expect(config.ppo.numUpdates).toBe(9); // file over preset
    expect(config.ppo.epochs).toBe(3); // flags over file
    expect(config.seed).toBe(8); // --set over flags
    expect(config.stages).toEqual(['ppo']);
    expect(config.policy.id).toBe('tfjs:small');
  });

  it('rejects an unknown preset, listing the presets', () => {
    expect(() => resolveConfig({ preset: 'numberlin' })).toThrow(
      /Unknown preset 'numberlin'.*\n.*numberline:/,
    );
  });

  it('every preset validates', () => {
    for (const name of Object.keys(PRESETS))
      expect(resolveConfig({ preset: name }).config.env.id).toMatch(/\//);
  });

  it('parses --set values as YAML and rejects malformed ones', () => {
    expect(parseSet('ppo.epochs=2')).toEqual({ key: 'ppo.epochs', value: 2 });
    expect(parseSet('policy.id=tfjs:./runs/a b')).toEqual({ key: 'policy.id', value: 'tfjs:./runs/a b' });
    expect(parseSet('env.text.cot=false').value).toBe(false);
    expect(() => parseSet('=3')).toThrow(/key\.path=value/);
  });
});

describe('deepMerge', () => {
  it('lets the override win at every leaf and keeps the rest', () => {
    const leaf = fc.oneof(fc.integer(), fc.string(), fc.boolean());
    const tree = fc.dictionary(
      fc.constantFrom('a', 'b', 'c'),
      fc.oneof(leaf, fc.dictionary(fc.constantFrom('x', 'y'), leaf)),
    );
    fc.assert(
      fc.property(tree, tree, (base, over) => {
        const merged = deepMerge(base, over);
        for (const [k, v] of Object.entries(over)) {
          if (typeof v === 'object' && typeof base[k] === 'object') {
            for (const [k2, v2] of Object.entries(v as object)) expect((merged[k] as any)[k2]).toEqual(v2);
          } else expect(merged[k]).toEqual(v);
        }
        for (const k of Object.keys(base)) expect(k in merged).toBe(true);
      }),
    );
  });
});
