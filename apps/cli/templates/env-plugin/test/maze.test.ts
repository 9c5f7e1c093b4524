import { EnvRegistry, registerManifest, TextEnv } from '@rl4vlm/env';
import { describe, expect, it } from 'vitest';
import manifest, { MazeEnv, mazeOracle, mazeText } from '../src/index.js';

const registry = new EnvRegistry();
registerManifest(manifest, { registry });

describe('maze/Maze-v0', () => {
  it('the oracle reaches the goal in every seeded episode, by the shortest path', async () => {
    const env = new TextEnv(registry.make('maze/Maze-v0'), mazeText({ cot: true }));
    const oracle = mazeOracle({ cot: true });
    for (let seed = 0; seed < 20; seed++) {
      let { observation, info } = await env.reset({ seed });
      const [ax, ay] = info.agent as number[];
      const [gx, gy] = info.goal as number[];
      const shortest = Math.abs(gx! - ax!) + Math.abs(gy! - ay!);
      for (let t = 1; ; t++) {
        const step = await env.step(oracle(env.prompt(observation, info), info));
        if (step.terminated || step.truncated) {
          expect(step).toMatchObject({ reward: 1, terminated: true });
          expect(t).toBe(shortest);
          break;
        }
        ({ observation, info } = step);
      }
    }
  });

  it('a reply without a known move is a format error that says why', () => {
    const { parse } = mazeText();
    expect(parse('{"action": "left"}', {})).toBe(2);
    expect(parse('{"action": "jump"}', {})).toEqual({
      invalid: '"jump" is not one of up, down, left, right',
    });
    expect(parse('go left', {})).toMatchObject({ invalid: expect.stringMatching(/no "action"/) });
  });

  it('rejects a size it cannot draw, naming the kwarg', () => {
    expect(() => new MazeEnv({ size: 11 })).toThrow(/size must be an integer from 2 to 10, got 11/);
  });
});
