/**
 * `rl4vlm-plugin-tic-tac-toe`: an example third-party env plugin for rl4vlm, written only against
 * the public API of `@rl4vlm/env`. Load it with `plugins: [rl4vlm-plugin-tic-tac-toe]` in a config
 * or `--plugin rl4vlm-plugin-tic-tac-toe` on the command line.
 * @packageDocumentation
 */
import {
  ENV_SPECIFICATION_VERSION,
  type EnvPluginManifest,
  type EnvSpec,
  type TextOptions,
} from '@rl4vlm/env';
import { z } from 'zod';
import { ticTacToeOracle, ticTacToeText } from './text.js';
import { TicTacToeEnv, type TicTacToeKwargs } from './tic-tac-toe-env.js';

export { boardText, emptyCells, winner } from './board.js';
export { bestMove } from './oracle.js';
export { BoardPainter, FRAME_SIZE } from './render.js';
export { parseCellReply, ticTacToeOracle, ticTacToeText } from './text.js';
export { CELL_LABELS, type Outcome, TicTacToeEnv, type TicTacToeKwargs } from './tic-tac-toe-env.js';

/** The env spec, with the optional `oracle` the rl4vlm app uses for `sft-data`, `demo` and the oracle baseline. */
export const ticTacToeSpec: EnvSpec<TicTacToeKwargs> & {
  oracle: (options: TextOptions) => ReturnType<typeof ticTacToeOracle>;
} = {
  id: 'tictactoe/TicTacToe-v0',
  description: 'Tic-tac-toe as X against a seeded rule-based O; win +1, draw 0, loss or illegal move −1',
  factory: (kwargs) => new TicTacToeEnv(kwargs),
  maxEpisodeSteps: 5,
  kwargs: { opponentNoise: 0.3 },
  kwargsSchema: z.object({ opponentNoise: z.number().min(0).max(1) }).strict(),
  text: ticTacToeText,
  oracle: ticTacToeOracle,
};

const manifest: EnvPluginManifest = {
  specificationVersion: ENV_SPECIFICATION_VERSION,
  name: 'rl4vlm-plugin-tic-tac-toe',
  version: '0.1.0',
  description: 'Tic-tac-toe, an example env plugin',
  envs: [ticTacToeSpec],
};

export default manifest;
