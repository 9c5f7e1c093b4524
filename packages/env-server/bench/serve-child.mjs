// The benchmark's server, in its own process as in real use: node serve-child.mjs <envId>
import { EnvRegistry } from '@rl4vlm/env';
import { registerGymCards } from '@rl4vlm/gym-cards';
import { createEnvServer } from '../dist/index.js';

const registry = new EnvRegistry();
registerGymCards({ registry });
const server = await createEnvServer({ envId: process.argv[2], registry, port: 0, maxSessions: 64 });
process.stdout.write(`${server.wsUrl}\n`);
