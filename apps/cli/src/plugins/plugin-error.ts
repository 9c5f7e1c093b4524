/**
 * A plugin that could not be loaded, with the package (or path) and what is wrong with it.
 * The app prints `message` and exits with status 1; it never crashes on a broken plugin.
 */
export class PluginLoadError extends Error {
  /** The package name or path as it was given (e.g. `@me/rl4vlm-maze` or `./plugins/maze`). */
  readonly plugin: string;
  /** What is wrong, in one or more lines, without the plugin name. */
  readonly problem: string;

  constructor(plugin: string, problem: string, options?: { cause?: unknown }) {
    super(`Plugin '${plugin}' could not be loaded: ${problem}`, options);
    this.name = 'PluginLoadError';
    this.plugin = plugin;
    this.problem = problem;
  }
}
