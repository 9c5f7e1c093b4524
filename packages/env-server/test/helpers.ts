import { EnvRegistry } from '@rl4vlm/env';
import { registerGymCards } from '@rl4vlm/gym-cards';
import { createEnvServer, type EnvServerOptions } from '../src/index.js';

export const NUMBER_LINE = 'gym-cards/NumberLine-v0';
export const BLACKJACK = 'gym-cards/Blackjack-v0';

/** A registry with the four gym-cards envs. */
export function gymRegistry(): EnvRegistry {
  const registry = new EnvRegistry();
  registerGymCards({ registry });
  return registry;
}

/** A real server on a free loopback port. */
export function serve(options: Partial<EnvServerOptions> = {}) {
  return createEnvServer({ envId: NUMBER_LINE, registry: gymRegistry(), port: 0, ...options });
}

/** The replies a test policy cycles through: valid, valid, and one that does not parse (random fallback). */
export function replyFor(labels: readonly string[], t: number): string {
  if (t % 5 === 4) return 'I am not sure what to do';
  return `{"thoughts": "step ${t}", "action": "${labels[(t * 7 + 3) % labels.length]}"}`;
}

/** Opens a raw WebSocket and resolves with it once open. */
export { WebSocket } from 'ws';
