/**
 * `rl4vlm-algorithm-reinforce`: an example algorithm plugin for rl4vlm. Its default export is the
 * manifest the app loads (`rl4vlm train --plugin rl4vlm-algorithm-reinforce --algorithm reinforce`).
 * @packageDocumentation
 */
import { ALGORITHM_SPECIFICATION_VERSION, type AlgorithmPluginManifest } from '@rl4vlm/trainer';
import { reinforce } from './reinforce.js';

export {
  type ReinforceSettings,
  reinforce,
  reinforceAdvantages,
  reinforceLoss,
  reinforceSettings,
} from './reinforce.js';

const manifest: AlgorithmPluginManifest = {
  specificationVersion: ALGORITHM_SPECIFICATION_VERSION,
  name: 'rl4vlm-algorithm-reinforce',
  version: '0.1.0',
  description: 'REINFORCE with a moving-average baseline',
  algorithms: [reinforce],
};

export default manifest;
