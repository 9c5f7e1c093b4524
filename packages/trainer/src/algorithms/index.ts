import { ALGORITHM_SPECIFICATION_VERSION, type AlgorithmPluginManifest } from '../algorithm.js';
import { gigpo } from './gigpo.js';
import { grpo } from './grpo.js';
import { ppo } from './ppo.js';
import { rloo } from './rloo.js';

/**
 * The built-in algorithms as a plugin manifest: `@rl4vlm/trainer`'s default export, loaded by
 * the app through the same path as a third-party algorithm plugin.
 */
export const builtinAlgorithms: AlgorithmPluginManifest = {
  specificationVersion: ALGORITHM_SPECIFICATION_VERSION,
  name: '@rl4vlm/trainer',
  version: '0.1.0',
  description: 'PPO (RL4VLM), GRPO, RLOO and GiGPO',
  algorithms: [ppo, grpo, rloo, gigpo],
};
