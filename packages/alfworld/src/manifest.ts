import type { EnvPluginManifest } from '@rl4vlm/env';
import { bridgeSpec } from './bridge-spec.js';
import { householdSpec } from './household-spec.js';

/** Kept in step with package.json by a test. */
export const PACKAGE_VERSION = '0.1.0';

/** The `@rl4vlm/alfworld` env plugin manifest. */
export const manifest: EnvPluginManifest = {
  specificationVersion: 'rl4vlm.env/v1',
  name: '@rl4vlm/alfworld',
  version: PACKAGE_VERSION,
  description:
    'ALFWorld household tasks: a TypeScript engine with its rules, and a bridge to Python ALFWorld',
  envs: [householdSpec, bridgeSpec],
};
