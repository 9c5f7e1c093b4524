import { describe, expect, it } from 'vitest';
import {
  createPolicyRegistry,
  InvalidPolicyManifestError,
  POLICY_SPECIFICATION_VERSION,
  PolicyRegistry,
  parsePolicyId,
  RandomPolicy,
  UnknownPolicyError,
  validatePolicyManifest,
} from '../src/index.js';

const echoManifest = {
  specificationVersion: POLICY_SPECIFICATION_VERSION,
  name: 'echo-plugin',
  version: '1.0.0',
  policies: [
    {
      id: 'echo',
      create: (arg: string | undefined) => ({
        id: `echo:${arg}`,
        generate: async (prompts: readonly { text: string }[]) =>
          prompts.map((p) => ({ text: `${arg}:${p.text}`, tokenIds: [], logProbs: [] })),
      }),
    },
  ],
};

describe('parsePolicyId', () => {
  it('splits at the first colon only, so paths may contain colons', () => {
    expect(parsePolicyId('tfjs:tiny')).toEqual({ prefix: 'tfjs', arg: 'tiny' });
    expect(parsePolicyId('tfjs:./runs/x/checkpoint')).toEqual({ prefix: 'tfjs', arg: './runs/x/checkpoint' });
    expect(parsePolicyId('tfjs:C:/runs')).toEqual({ prefix: 'tfjs', arg: 'C:/runs' });
    expect(parsePolicyId('random')).toEqual({ prefix: 'random' });
    expect(() => parsePolicyId('')).toThrow(/non-empty/);
  });
});

describe('validatePolicyManifest', () => {
  it('accepts a valid manifest', () => {
    expect(validatePolicyManifest(echoManifest).name).toBe('echo-plugin');
  });

  it('names every bad field', () => {
    const bad = {
      specificationVersion: 'rl4vlm.env/v1',
      name: '',
      version: 'one',
      policies: [{ id: 'Bad:Id', create: 3 }],
    };
    try {
      validatePolicyManifest(bad, 'my-plugin');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidPolicyManifestError);
      const err = e as InvalidPolicyManifestError;
      expect(err.fields).toEqual(
        expect.arrayContaining([
          'specificationVersion',
          'name',
          'version',
          'policies[0].id',
          'policies[0].create',
        ]),
      );
      expect(err.message).toContain('my-plugin');
      expect(err.message).toContain("must be 'rl4vlm.policy/v1'");
    }
  });

  it('reports a missing policies list as required and rejects duplicates', () => {
    expect(() => validatePolicyManifest({ ...echoManifest, policies: undefined })).toThrow(
      /policies: is required/,
    );
    expect(() =>
      validatePolicyManifest({
        ...echoManifest,
        policies: [...echoManifest.policies, ...echoManifest.policies],
      }),
    ).toThrow(/lists 'echo' twice/);
  });
});

describe('PolicyRegistry', () => {
  it('creates policies from ids, passing the argument after the colon', async () => {
    const registry = new PolicyRegistry();
    registry.registerManifest(echoManifest);
    const policy = await registry.create('echo:hello');
    expect(policy.id).toBe('echo:hello');
    const [g] = await policy.generate([{ text: 'hi', images: [] }]);
    expect(g!.text).toBe('hello:hi');
    expect(registry.has('echo:anything')).toBe(true);
    expect(registry.has('tfjs:tiny')).toBe(false);
  });

  it('lists what exists and suggests the closest kind for an unknown id', async () => {
    const registry = createPolicyRegistry();
    registry.registerManifest(echoManifest);
    const err = await registry.create('ecoh:x').catch((e) => e);
    expect(err).toBeInstanceOf(UnknownPolicyError);
    expect(err.available).toEqual(['echo', 'oracle', 'random']);
    expect(err.suggestion).toBe('echo');
    expect(err.message).toMatch(/Did you mean 'echo'/);
    expect(err.message).toContain('  - random');
  });

  it('refuses a second registration of the same kind unless overridden', () => {
    const registry = createPolicyRegistry();
    expect(() =>
      registry.registerManifest({
        ...echoManifest,
        policies: [{ ...echoManifest.policies[0], id: 'random' }],
      }),
    ).toThrow(/already registered by @rl4vlm\/policy/);
    registry.registerManifest(
      { ...echoManifest, policies: [{ ...echoManifest.policies[0], id: 'random' }] },
      { override: true },
    );
    expect(registry.list().find((k) => k.id === 'random')!.source).toBe('echo-plugin');
  });

  it('resolves the built-in random and oracle kinds', async () => {
    const registry = createPolicyRegistry();
    const random = await registry.create('random', { labels: ['-', '+'] });
    expect(random).toBeInstanceOf(RandomPolicy);
    const oracle = await registry.create('oracle', { oracle: () => '{"action": "+"}' });
    expect((await oracle.generate([{ text: 'x', images: [] }]))[0]!.text).toBe('{"action": "+"}');
    await expect(registry.create('oracle')).rejects.toThrow(/needs options\.oracle/);
  });

  it('rejects a factory that returns something that is not a policy', async () => {
    const registry = new PolicyRegistry();
    registry.register({ id: 'broken', create: () => null as never });
    await expect(registry.create('broken')).rejects.toThrow(/expected an object with generate/);
  });
});
