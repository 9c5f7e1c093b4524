import * as alfworld from '@rl4vlm/alfworld';
import {
  type EnvPluginManifest,
  EnvRegistry,
  type Info,
  type Prompt,
  registerManifest,
  TextEnv,
  type TextOptions,
} from '@rl4vlm/env';
import * as gymCards from '@rl4vlm/gym-cards';

/**
 * The env plugins bundled into the page. A third-party plugin is added by importing its module
 * here: its default export is the `rl4vlm.env/v1` manifest, and an optional `createOracle(envId,
 * kwargs)` export gives the oracle (the app's convention, as in `rl4vlm play`).
 */
export const PLUGINS: readonly PluginModule[] = [gymCards, alfworld];

/** Envs that cannot run in a page: the ALFWorld bridge spawns Python. */
const NEEDS_NODE = new Set(['alfworld/Bridge-v0']);

/** What the app reads from a plugin module. */
export interface PluginModule {
  default: EnvPluginManifest;
  createOracle?: (
    envId: string,
    kwargs: Record<string, unknown>,
  ) => { reply?: (info: Info, options?: TextOptions) => string };
}

/** A registry holding every bundled plugin's envs. */
export function createRegistry(plugins: readonly PluginModule[] = PLUGINS): EnvRegistry {
  const registry = new EnvRegistry();
  for (const plugin of plugins) registerManifest(plugin.default, { registry });
  return registry;
}

/** The ids the page offers: envs with a text layer (a model can play them) that run in a browser. */
export function playableEnvIds(registry: EnvRegistry): string[] {
  return registry.ids().filter((id) => !NEEDS_NODE.has(id) && Boolean(registry.spec(id).text));
}

/** A text env for `envId` with its default kwargs and text options. */
export function makeTextEnv(registry: EnvRegistry, envId: string): TextEnv<unknown, unknown> {
  const spec = registry.spec(envId);
  if (!spec.text) throw new Error(`Env '${envId}' has no text layer, so it cannot be played here`);
  return new TextEnv(registry.make(envId), spec.text({}));
}

/** Writes the ideal reply for a step. */
export type OracleReply = (prompt: Prompt, info: Info) => string;

/** The env's oracle: `spec.oracle`, else the plugin's `createOracle` (as `rl4vlm play` finds it). */
export function findOracle(
  registry: EnvRegistry,
  envId: string,
  plugins: readonly PluginModule[] = PLUGINS,
): OracleReply | undefined {
  const fromSpec = registry.spec(envId).oracle?.({}, {});
  if (fromSpec) return fromSpec;
  const owner = plugins.find((p) => p.default.envs.some((e) => e.id === envId));
  const made = owner?.createOracle?.(envId, registry.resolveKwargs(envId, {}));
  if (made?.reply) return (_prompt, info) => made.reply!(info, {});
  return undefined;
}
