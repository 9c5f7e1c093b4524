import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvRegistry, type EnvSpec } from '@rl4vlm/env';
import { PolicyRegistry, parsePolicyId } from '@rl4vlm/policy';
import { AlgorithmRegistry } from '@rl4vlm/trainer';
import { BUILTIN_PLUGINS } from './builtins.js';
import { discoverInstalledPlugins } from './discover.js';
import { type LoadedPlugin, loadPlugin, PLUGIN_KINDS } from './load-plugin.js';
import { PluginLoadError } from './plugin-error.js';
import { resolvePlugin } from './resolve-plugin.js';

/** Where plugins come from; see {@link createPluginRegistry}. */
export interface PluginSources {
  /** Package names or paths, as in a config's `plugins:` list. A broken one is an error. */
  plugins?: readonly string[];
  /** Also load installed packages that declare `"rl4vlm": {"plugin": ...}`. A broken one is a warning. */
  discover?: boolean;
  /** Load the built-in packages (gym-cards, the scripted policies, policy-tfjs). Default true. */
  builtins?: boolean;
  /** The folder paths and names are resolved from first (the config file's folder). Default: the working directory. */
  baseDir?: string;
}

/** One row of `rl4vlm plugins list`. */
export interface PluginRow {
  name: string;
  version: string;
  kind: 'env' | 'policy' | 'algorithm';
  origin: 'builtin' | 'config' | 'discovered';
  provides: string[];
  ref: string;
}

/** The folder this module lives in, so the app's own dependencies resolve from it. */
function appDir(): string {
  return path.dirname(fileURLToPath(import.meta.url));
}

/**
 * The app's plugin registry: every env, policy kind and training algorithm comes from a plugin
 * manifest, built-in or third-party, loaded and validated the same way. Env ids, policy kinds and
 * algorithm ids are unique across plugins; a clash names both plugins.
 */
export class PluginRegistry {
  /** Env specs by id, from every env plugin. */
  readonly envs = new EnvRegistry();
  /** Policy kinds by prefix, from every policy plugin. */
  readonly policies = new PolicyRegistry();
  /** Training algorithms by id, from every algorithm plugin (the trainer's built-ins included). */
  readonly algorithms = new AlgorithmRegistry();
  /** Plugins loaded, in load order. */
  readonly plugins: (LoadedPlugin & { origin: PluginRow['origin'] })[] = [];
  /** Discovered or optional built-in plugins that failed to load (config-listed ones throw instead). */
  readonly warnings: PluginLoadError[] = [];
  private readonly envOwner = new Map<string, string>();
  private readonly policyOwner = new Map<string, string>();

  /** Registers a loaded plugin's envs, policy kinds or algorithms. */
  add(plugin: LoadedPlugin, origin: PluginRow['origin']): void {
    if (this.plugins.some((p) => p.name === plugin.name && p.kind === plugin.kind)) return;
    if (plugin.kind === 'env') {
      for (const spec of plugin.manifest.envs) {
        const owner = this.envOwner.get(spec.id);
        if (owner)
          throw new PluginLoadError(plugin.ref, `env id '${spec.id}' is already provided by ${owner}`);
      }
      for (const spec of plugin.manifest.envs) {
        this.envs.register(spec);
        this.envOwner.set(spec.id, plugin.name);
      }
    } else if (plugin.kind === 'algorithm') {
      for (const a of plugin.manifest.algorithms) {
        if (this.algorithms.has(a.id))
          throw new PluginLoadError(
            plugin.ref,
            `algorithm id '${a.id}' is already provided by ${this.algorithms.source(a.id)}`,
          );
      }
      for (const a of plugin.manifest.algorithms) this.algorithms.register(a, { source: plugin.name });
    } else {
      for (const spec of plugin.manifest.policies) {
        const owner = this.policyOwner.get(spec.id);
        if (owner)
          throw new PluginLoadError(plugin.ref, `policy kind '${spec.id}' is already provided by ${owner}`);
      }
      for (const spec of plugin.manifest.policies) {
        this.policies.register(spec, { source: plugin.name });
        this.policyOwner.set(spec.id, plugin.name);
      }
    }
    this.plugins.push({ ...plugin, origin });
  }

  /** Resolves, imports, validates and registers one plugin; throws {@link PluginLoadError}. */
  async load(
    ref: string,
    { baseDirs, origin }: { baseDirs: readonly string[]; origin: PluginRow['origin'] },
  ) {
    const plugin = await loadPlugin(resolvePlugin(ref, baseDirs));
    this.add(plugin, origin);
    return plugin;
  }

  /** The env spec for an id (an `UnknownEnvError` listing every id otherwise). */
  envSpec(id: string): EnvSpec {
    return this.envs.spec(id);
  }

  /** The plugin that provides an env id. */
  envPlugin(id: string): string | undefined {
    return this.envOwner.get(id);
  }

  /**
   * The module URL of the plugin that provides a policy id's kind (`tfjs:tiny` → policy-tfjs),
   * for worker threads that rebuild the policy; empty when no plugin provides it.
   */
  policyModules(policyId: string): string[] {
    const kind = parsePolicyId(policyId).prefix;
    const owner = this.policyOwner.get(kind);
    const plugin = this.plugins.find((p) => p.kind === 'policy' && p.name === owner);
    return plugin ? [plugin.url] : [];
  }

  /**
   * The module URL of the plugin that provides an algorithm, for worker threads that rebuild its
   * loss; empty for the trainer's built-ins (the workers have them) and for an unknown id.
   */
  algorithmModules(id: string): string[] {
    const owner = this.algorithms.has(id) ? this.algorithms.source(id) : undefined;
    if (!owner || owner === '@rl4vlm/trainer') return [];
    const plugin = this.plugins.find((p) => p.kind === 'algorithm' && p.name === owner);
    return plugin ? [plugin.url] : [];
  }

  /** Every loaded plugin as a row for listings. */
  rows(): PluginRow[] {
    return this.plugins.map((p) => ({
      name: p.name,
      version: p.version,
      kind: p.kind,
      origin: p.origin,
      ref: p.ref,
      provides: PLUGIN_KINDS[p.kind].provides(p.manifest),
    }));
  }
}

/**
 * Builds the registry: built-ins first (from the app's own install), then the config's `plugins`
 * (from `baseDir`, then the working directory, then the app), then discovered packages.
 * A listed plugin that is broken throws a {@link PluginLoadError} naming it and what is wrong;
 * a discovered one is recorded in `warnings`.
 */
export async function createPluginRegistry({
  plugins = [],
  discover = false,
  builtins = true,
  baseDir = process.cwd(),
}: PluginSources = {}): Promise<PluginRegistry> {
  const registry = new PluginRegistry();
  const userDirs = [...new Set([path.resolve(baseDir), process.cwd(), appDir()])];
  if (builtins) {
    for (const builtin of BUILTIN_PLUGINS) {
      try {
        await registry.load(builtin.ref, { baseDirs: [appDir(), ...userDirs], origin: 'builtin' });
      } catch (error) {
        if (!builtin.optional || !(error instanceof PluginLoadError)) throw error;
        // An optional backend that is absent is fine; one that is present but broken is reported, and
        // the commands that do not need it still run.
        if (!error.problem.startsWith('the package is not installed')) registry.warnings.push(error);
      }
    }
  }
  for (const ref of plugins) await registry.load(ref, { baseDirs: userDirs, origin: 'config' });
  if (discover) {
    for (const found of discoverInstalledPlugins(baseDir)) {
      if (registry.plugins.some((p) => p.name === found.name)) continue;
      try {
        await registry.load(found.dir, { baseDirs: userDirs, origin: 'discovered' });
      } catch (error) {
        if (!(error instanceof PluginLoadError)) throw error;
        registry.warnings.push(new PluginLoadError(found.name, error.problem, { cause: error }));
      }
    }
  }
  return registry;
}
