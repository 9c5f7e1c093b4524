import path from 'node:path';
import { TextEnv } from '@rl4vlm/env';
import type { PromptWithInfo, VlmPolicy } from '@rl4vlm/policy';
import { validateAlgorithmSections } from '@rl4vlm/trainer';
import { type AppConfig, deepMerge, readConfigFile, resolveConfig } from './config/index.js';
import {
  createPluginRegistry,
  isPathReference,
  type PluginRegistry,
  requireOracle,
} from './plugins/index.js';
import { addRemoteEnv } from './plugins/remote-env.js';

/** Flags every command that makes envs accepts. */
export interface CommonFlags {
  config?: string;
  preset?: string;
  plugin?: string[];
  discover?: boolean;
  set?: string[];
  env?: string;
  policy?: string;
  seed?: number;
}

/** What a command works with: the resolved config and every plugin loaded. */
export interface Setup {
  config: AppConfig;
  baseDir: string;
  registry: PluginRegistry;
}

/** `--plugin` paths are relative to the working directory (config `plugins:` to the config file). */
function flagPlugins(flags: CommonFlags): string[] {
  return (flags.plugin ?? []).map((p) => (isPathReference(p) ? path.resolve(p) : p));
}

/** Loads the plugins named by the config file (if any) and the flags, without needing a full config. */
export async function loadPlugins(flags: CommonFlags): Promise<PluginRegistry> {
  let plugins: string[] = [];
  let discover = Boolean(flags.discover);
  let baseDir = process.cwd();
  if (flags.config) {
    const file = readConfigFile(flags.config);
    if (Array.isArray(file.plugins)) plugins = file.plugins.filter((p): p is string => typeof p === 'string');
    discover ||= file.discover === true;
    baseDir = path.dirname(path.resolve(flags.config));
  }
  const registry = await createPluginRegistry({
    plugins: [...plugins, ...flagPlugins(flags)],
    discover,
    baseDir,
  });
  for (const warning of registry.warnings) process.stderr.write(`warning: ${warning.message}\n`);
  return registry;
}

/**
 * Resolves the config (preset < file < flags < --set), loads its plugins and checks that the env
 * exists, so an unknown id fails before any work with the list of registered ids.
 */
export async function setup(flags: CommonFlags, overrides: Record<string, unknown> = {}): Promise<Setup> {
  const fromFlags: Record<string, unknown> = {};
  if (flags.env) fromFlags.env = { id: flags.env };
  if (flags.policy) fromFlags.policy = { id: flags.policy };
  if (flags.seed !== undefined) fromFlags.seed = flags.seed;
  const { config, baseDir } = resolveConfig({
    file: flags.config,
    preset: flags.preset,
    overrides: deepMerge(fromFlags, overrides),
    sets: flags.set,
  });
  // Plugins given as flags become part of the resolved config, so a saved run reloads them on resume.
  const plugins = [...new Set([...config.plugins, ...flagPlugins(flags)])];
  const discover = config.discover || Boolean(flags.discover);
  const registry = await createPluginRegistry({ plugins, discover, baseDir });
  for (const warning of registry.warnings) process.stderr.write(`warning: ${warning.message}\n`);
  await addRemoteEnv(registry, config.env.id);
  registry.envSpec(config.env.id);
  checkAlgorithm(registry, config);
  return { config: { ...config, plugins, discover }, baseDir, registry };
}

/**
 * Fails before any work when the config's algorithm is not registered (an error listing the ids
 * and the closest) or an `algorithms.<id>` section does not validate (naming the key).
 */
export function checkAlgorithm(
  registry: PluginRegistry,
  config: Pick<AppConfig, 'algorithm' | 'algorithms'>,
): void {
  registry.algorithms.get(config.algorithm);
  validateAlgorithmSections(registry.algorithms, config.algorithms);
}

/** A `TextEnv` for the config's env: the env made from the registry, with its own text layer. */
export function makeTextEnv(registry: PluginRegistry, env: AppConfig['env']): TextEnv<unknown, unknown> {
  const spec = registry.envSpec(env.id);
  if (!spec.text) {
    throw new Error(
      `Env '${env.id}' (from ${registry.envPlugin(env.id)}) has no text layer (spec.text), so a model cannot play it`,
    );
  }
  return new TextEnv(registry.envs.make(env.id, env.kwargs), spec.text(env.text));
}

/** Creates a policy by id; `oracle` is wired to the env's oracle. */
export async function createPolicy(
  registry: PluginRegistry,
  id: string,
  env: AppConfig['env'],
  options: Record<string, unknown> = {},
): Promise<VlmPolicy> {
  if (id === 'oracle' || id.startsWith('oracle:')) {
    const oracle = requireOracle(registry, env.id, { text: env.text, kwargs: env.kwargs });
    return registry.policies.create(id, { ...options, oracle });
  }
  // Envs with a labelled Discrete action space (gym-cards) list no legal actions in `info`, so
  // `random` gets the labels from the env, as the training baselines do.
  if (id === 'random' && options.labels === undefined && actionLabels(registry, env))
    return registry.policies.create(id, { ...options, labels: legalLabels(registry, env) });
  return registry.policies.create(id, options);
}

/** Every label of the env's action space, where it is a labelled `Discrete`. */
export function actionLabels(registry: PluginRegistry, env: AppConfig['env']): string[] | undefined {
  const made = registry.envs.make(env.id, env.kwargs);
  const labels = (made.actionSpace as { labels?: readonly string[] }).labels;
  return labels ? [...labels] : undefined;
}

/**
 * Legal labels for a random policy: the step's `info.legalActions` where the env gives them (they
 * change in tic-tac-toe or ALFWorld), else every label of the action space.
 */
export function legalLabels(registry: PluginRegistry, env: AppConfig['env']) {
  const all = actionLabels(registry, env);
  return (prompt: PromptWithInfo): readonly string[] | undefined => {
    const legal = prompt.info?.legalActions;
    return Array.isArray(legal) && legal.length ? (legal as string[]) : all;
  };
}
