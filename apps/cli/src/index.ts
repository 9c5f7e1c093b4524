/**
 * `rl4vlm`: the reference app. Its library surface is the plugin registry, the config schema and
 * the report writer, so other tools can reuse them.
 * @packageDocumentation
 */
export * from './plugins/index.js';
