export { deepMerge, setDotted } from './deep-merge.js';
export { ConfigError } from './invalid-config-error.js';
export {
  type ConfigSources,
  parseSet,
  type ResolvedConfig,
  readConfigFile,
  resolveConfig,
  validateAppConfig,
} from './load-config.js';
export { getPreset, PRESETS, type Preset } from './presets.js';
export { type AppConfig, type AppConfigInput, appConfigSchema, STAGES, type Stage } from './schema.js';
export { findUnknownKeys, type UnknownKey } from './unknown-keys.js';
