import { describe, expect, it } from 'vitest';
import {
  InvalidActionError,
  RecordEpisodeStatistics,
  RecordFrames,
  ResetNeededError,
  TimeLimit,
} from '../src/index.js';
import { WalkEnv } from './fixtures/walk-env.js';

describe('BaseEnv', () => {
  it('refuses step before reset, after the end, and bad actions', async () => {
    const env = new WalkEnv();
    expect(() => env.step(1)).toThrow(ResetNeededError);
    env.reset({ seed: 0 });
    expect(() => env.step(2)).toThrow(InvalidActionError);
    expect(() => env.step(2)).toThrow(/Invalid action 2: the action space is .*Discrete/);
    let r = env.step(1);
    while (!r.terminated) r = env.step(1);
    expect(() => env.step(1)).toThrow(/episode is over/);
  });
});

describe('wrappers', () => {
  it('TimeLimit truncates after maxEpisodeSteps but never a terminated step', async () => {
    const env = new TimeLimit(new WalkEnv({ size: 50 }), 3);
    await env.reset({ seed: 4 });
    expect((await env.step(0)).truncated).toBe(false);
    expect((await env.step(0)).truncated).toBe(false);
    const last = await env.step(0);
    expect(last.truncated).toBe(true);
    expect(env.elapsedSteps).toBe(3);
    await env.reset({ seed: 4 });
    expect(env.elapsedSteps).toBe(0);
    const short = new TimeLimit(new WalkEnv({ size: 2 }), 1);
    await short.reset({ seed: 0 });
    const end = await short.step(1);
    expect(end).toMatchObject({ terminated: true, truncated: false });
    expect(() => new TimeLimit(new WalkEnv(), 0)).toThrow(/positive integer/);
  });

  it('RecordEpisodeStatistics reports return and length on the last step', async () => {
    const env = new RecordEpisodeStatistics(new WalkEnv({ size: 5 }));
    const { info } = await env.reset({ seed: 1 });
    const start = info.pos as number;
    let r = await env.step(1);
    let steps = 1;
    while (!r.terminated) {
      expect(r.info.episode).toBeUndefined();
      r = await env.step(1);
      steps++;
    }
    expect(steps).toBe(4 - start);
    const episode = r.info.episode as { r: number; l: number; t: number };
    expect(episode.l).toBe(steps);
    expect(episode.r).toBeCloseTo(1 - 0.1 * (steps - 1));
    expect(env.returnQueue).toEqual([episode.r]);
  });

  it('RecordFrames keeps one frame per reset and step and reports finished episodes', async () => {
    const finished: number[] = [];
    const env = new RecordFrames(new WalkEnv({ size: 4 }), {
      episodeTrigger: (i) => i % 2 === 0,
      onEpisodeEnd: (frames, i) => {
        finished.push(i);
        expect(frames.length).toBeGreaterThan(1);
      },
    });
    for (let episode = 0; episode < 3; episode++) {
      await env.reset({ seed: episode });
      let r = await env.step(1);
      let steps = 1;
      while (!r.terminated) {
        r = await env.step(1);
        steps++;
      }
      expect(env.frames.length).toBe(episode % 2 === 0 ? steps + 1 : 0);
    }
    expect(finished).toEqual([0, 2]);
  });
});
