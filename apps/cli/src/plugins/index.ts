export { BUILTIN_PLUGINS } from './builtins.js';
export { type DiscoveredPlugin, discoverInstalledPlugins } from './discover.js';
export { type LoadedPlugin, loadPlugin, pickManifest, validateManifest } from './load-plugin.js';
export { findOracle, requireOracle } from './oracle.js';
export { PluginLoadError } from './plugin-error.js';
export {
  createPluginRegistry,
  PluginRegistry,
  type PluginRow,
  type PluginSources,
} from './plugin-registry.js';
export { isPathReference, type ResolvedPlugin, resolvePlugin } from './resolve-plugin.js';
export { classifySpecification, type PluginKind, SUPPORTED_SPECIFICATIONS } from './specification.js';
