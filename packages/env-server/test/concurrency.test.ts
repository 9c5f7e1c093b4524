import { BaseEnv, Box, Discrete, EnvRegistry, type Image } from '@rl4vlm/env';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvClient, type EnvServer } from '../src/index.js';
import { serve } from './helpers.js';

/**
 * A seeded random walk with a draw per step: cheap, so 64,000 steps measure the server, not the
 * env; any lost, repeated or misrouted step changes every later value of its session.
 */
class WalkEnv extends BaseEnv<number[], number> {
  readonly observationSpace = new Box(1, -1e9, 1e9);
  readonly actionSpace = new Discrete(2, { labels: ['-', '+'] });
  private position = 0;
  private t = 0;
  protected resetEpisode() {
    this.position = this.rng.int(0, 9);
    this.t = 0;
    return { observation: [this.position], info: { position: this.position } };
  }
  protected stepEpisode(action: number) {
    this.position += (action === 1 ? 1 : -1) * this.rng.int(1, 3);
    this.t += 1;
    const terminated = this.t >= 37;
    return {
      observation: [this.position],
      reward: this.rng.int(0, 100),
      terminated,
      truncated: false,
      info: { position: this.position },
    };
  }
  render(): Image {
    return { width: 1, height: 1, data: new Uint8Array(3) };
  }
}
const WALK = 'test/Walk-v0';
function walkRegistry() {
  const registry = new EnvRegistry();
  registry.register({ id: WALK, factory: () => new WalkEnv() });
  return registry;
}

const SESSIONS = 64;
const STEPS = 1000;

/** The action session `s` plays at step `t`: a fixed, session-specific pattern. */
const actionOf = (s: number, t: number) => ((s * 31 + t * 17 + ((t * t) >> 3)) % 3 === 0 ? '-' : '+');

describe('64 concurrent sessions', () => {
  let server: EnvServer;
  beforeAll(async () => {
    server = await serve({ envId: WALK, registry: walkRegistry(), maxSessions: SESSIONS });
  });
  afterAll(() => server.close());

  it(`play ${STEPS} steps each with no step lost or duplicated`, { timeout: 120_000 }, async () => {
    const clients = await Promise.all(
      Array.from({ length: SESSIONS }, () => EnvClient.connect(server.wsUrl)),
    );
    expect(server.stats().activeSessions).toBe(SESSIONS);
    // Every session plays at once, one message in flight each.
    const traces = await Promise.all(
      clients.map(async (client, s) => {
        const trace: string[] = [];
        let reply = await client.reset({ seed: 1000 + s });
        for (let t = 0; t < STEPS; t++) {
          if (reply.done) reply = await client.reset();
          reply = await client.step({ action: actionOf(s, t) });
          trace.push(`${reply.observation.info.position} ${reply.reward} ${reply.done}`);
        }
        const state = await client.state();
        await client.close();
        return { trace, state };
      }),
    );
    expect(server.stats().steps).toBe(SESSIONS * STEPS);
    // The same actions in process give the same trace: a lost, duplicated or misrouted step would not.
    const registry = walkRegistry();
    for (let s = 0; s < SESSIONS; s++) {
      const env = registry.make(WALK) as WalkEnv;
      const expected: string[] = [];
      let done = false;
      let sinceReset = 0;
      env.reset({ seed: 1000 + s });
      for (let t = 0; t < STEPS; t++) {
        if (done) {
          env.reset();
          sinceReset = 0;
        }
        const r = env.step(actionOf(s, t) === '+' ? 1 : 0);
        sinceReset += 1;
        done = r.terminated || r.truncated;
        expected.push(`${r.info.position} ${r.reward} ${done}`);
      }
      expect(traces[s]!.trace).toEqual(expected);
      expect(traces[s]!.state.step_count).toBe(sinceReset);
    }
  });
});
