import { EnvRegistry, registerManifest } from '@rl4vlm/env';
import { describeEnvConformance } from '@rl4vlm/env/conformance';
import manifest from '../src/index.js';

// What the rl4vlm app does: validate the default export, register it, make the env by id.
const registry = new EnvRegistry();
registerManifest(manifest, { registry });

describeEnvConformance('maze/Maze-v0', () => registry.make('maze/Maze-v0'));
describeEnvConformance('maze/Maze-v0 (size 2)', () => registry.make('maze/Maze-v0', { size: 2 }));
