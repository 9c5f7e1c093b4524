import { ENV_SPECIFICATION_VERSION, type EnvPluginManifest } from '@rl4vlm/env';
import { MazeEnv } from './maze-env.js';
import { mazeOracle, mazeText } from './text.js';

export { FRAME_SIZE, MazeEnv, type MazeKwargs, MOVES } from './maze-env.js';
export { mazeOracle, mazeText } from './text.js';

/** The plugin: the rl4vlm app imports the default export, checks it and registers its envs. */
const manifest = {
  specificationVersion: ENV_SPECIFICATION_VERSION, // 'rl4vlm.env/v1'
  name: '{{packageName}}',
  version: '0.1.0',
  envs: [
    {
      id: 'maze/Maze-v0', // namespace/Name-vN
      description: 'Walk to the green cell on a 5×5 grid; reward 1 on arrival',
      factory: (kwargs) => new MazeEnv(kwargs),
      kwargs: { size: 5 }, // defaults, merged under what the user passes
      maxEpisodeSteps: 20, // wrapped in TimeLimit: truncated after 20 steps
      text: mazeText,
      oracle: mazeOracle, // optional
    },
  ],
} satisfies EnvPluginManifest;

export default manifest;
