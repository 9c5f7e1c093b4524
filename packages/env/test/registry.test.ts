import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  closestMatch,
  EnvRegistry,
  InvalidKwargsError,
  make,
  register,
  TimeLimit,
  UnknownEnvError,
} from '../src/index.js';
import { WalkEnv } from './fixtures/walk-env.js';

function walkRegistry() {
  const r = new EnvRegistry();
  r.register({
    id: 'test/Walk-v0',
    factory: (kw: { size: number }) => new WalkEnv(kw),
    maxEpisodeSteps: 7,
    kwargs: { size: 5 },
    kwargsSchema: z.object({ size: z.number().int().min(2).max(100) }),
  });
  r.register({ id: 'test/Walk-v1', factory: () => new WalkEnv() });
  r.register({ id: 'cards/NumberLine-v0', factory: () => new WalkEnv() });
  return r;
}

describe('registry', () => {
  it('suggests only a similar id: nope/X-v0 gets no unrelated suggestion (issue 17 item 13)', () => {
    const ids = ['alfworld/Bridge-v0', 'gym-cards/NumberLine-v0', 'gym-cards/Blackjack-v0'];
    expect(closestMatch('nope/X-v0', ids)).toBeUndefined();
    expect(closestMatch('gym-cards/Numberline-v0', ids)).toBe('gym-cards/NumberLine-v0');
    expect(closestMatch('gym-cards/BlackJak-v0', ids)).toBe('gym-cards/Blackjack-v0');
  });

  it('make("nope/Unknown-v0") names the registered ids and the closest match', () => {
    const r = walkRegistry();
    let error: unknown;
    try {
      r.make('test/Wlak-v0');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownEnvError);
    const msg = (error as Error).message;
    expect(msg).toContain("Did you mean 'test/Walk-v0'?");
    for (const id of ['test/Walk-v0', 'test/Walk-v1', 'cards/NumberLine-v0']) expect(msg).toContain(id);
    expect(() => r.make('nope/Unknown-v0')).toThrow(/Registered env ids:[\s\S]*test\/Walk-v0/);
  });

  it('the default registry does the same through make()', () => {
    register({ id: 'defaultreg/Walk-v0', factory: () => new WalkEnv() }, { override: true });
    expect(() => make('nope/Unknown-v0')).toThrow(/defaultreg\/Walk-v0/);
    expect(make('defaultreg/Walk-v0').spec?.id).toBe('defaultreg/Walk-v0');
  });

  it('validates kwargs with the zod schema and names key, value and rule', () => {
    const r = walkRegistry();
    expect(() => r.make('test/Walk-v0', { size: 1 })).toThrow(InvalidKwargsError);
    expect(() => r.make('test/Walk-v0', { size: 1 })).toThrow(/size: .*>=\s*2.*\(got 1\)/);
    expect(() => r.make('test/Walk-v0', { size: 'big' })).toThrow(/size: .*number.*\(got "big"\)/);
  });

  it('merges default kwargs, applies the time limit and records the spec', async () => {
    const env = walkRegistry().make('test/Walk-v0', { size: 50 });
    expect(env).toBeInstanceOf(TimeLimit);
    expect(env.spec).toEqual({ id: 'test/Walk-v0', maxEpisodeSteps: 7, kwargs: { size: 50 } });
    await env.reset({ seed: 1 });
    let last = await env.step(0);
    for (let i = 1; i < 7; i++) last = await env.step(0);
    expect(last.truncated).toBe(true);
    expect(last.terminated).toBe(false);
  });

  it('rejects malformed ids and duplicate registration', () => {
    const r = new EnvRegistry();
    expect(() => r.register({ id: 'Walk', factory: () => new WalkEnv() })).toThrow(/namespace\/Name-vN/);
    r.register({ id: 'a/B-v0', factory: () => new WalkEnv() });
    expect(() => r.register({ id: 'a/B-v0', factory: () => new WalkEnv() })).toThrow(/already registered/);
  });
  it('accepts remote: ids of served envs and names both id forms when an id is neither', () => {
    const registry = new EnvRegistry();
    const factory = () => new WalkEnv();
    registry.register({ id: 'remote:ws://127.0.0.1:8000,wss://10.0.0.6:9000/ws', factory });
    expect(registry.has('remote:ws://127.0.0.1:8000,wss://10.0.0.6:9000/ws')).toBe(true);
    for (const bad of ['remote:http://x:1', 'remote:ws://a, ws://b', 'remote:'])
      expect(() => registry.register({ id: bad, factory })).toThrow(
        /namespace\/Name-vN.*remote:ws:\/\/host:port/,
      );
  });
});
