import { EnvRegistry, registerManifest } from '@rl4vlm/env';
import { describeEnvConformance } from '@rl4vlm/env/conformance';
import manifest from '../src/index.js';

// Exactly what a host does: validate the default export and register it, then make by id.
const registry = new EnvRegistry();
registerManifest(manifest, { registry });

describeEnvConformance('tictactoe/TicTacToe-v0', () => registry.make('tictactoe/TicTacToe-v0'), {
  seeds: [0, 1, 2, 3, 4],
});
describeEnvConformance('tictactoe/TicTacToe-v0 (no noise)', () =>
  registry.make('tictactoe/TicTacToe-v0', { opponentNoise: 0 }),
);
