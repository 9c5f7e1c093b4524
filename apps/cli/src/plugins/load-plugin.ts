import { type EnvPluginManifest, validateEnvManifest } from '@rl4vlm/env';
import { type PolicyPluginManifest, validatePolicyManifest } from '@rl4vlm/policy';
import { type AlgorithmPluginManifest, validateAlgorithmManifest } from '@rl4vlm/trainer';
import { PluginLoadError } from './plugin-error.js';
import type { ResolvedPlugin } from './resolve-plugin.js';
import { classifySpecification, type PluginKind } from './specification.js';

/** A plugin whose manifest was imported and validated. */
export type LoadedPlugin = {
  ref: string;
  name: string;
  version: string;
  url: string;
  /** The imported module, for optional extras such as a `createOracle` export. */
  module: Record<string, unknown>;
} & (
  | { kind: 'env'; manifest: EnvPluginManifest }
  | { kind: 'policy'; manifest: PolicyPluginManifest }
  | { kind: 'algorithm'; manifest: AlgorithmPluginManifest }
);

type AnyManifest = EnvPluginManifest | PolicyPluginManifest | AlgorithmPluginManifest;

/**
 * Each kind of plugin: its validator and what a listing says it provides. One table, so a new
 * kind is one row here and one in `SUPPORTED_SPECIFICATIONS`.
 */
export const PLUGIN_KINDS: Record<
  PluginKind,
  {
    validate: (value: unknown, source: string) => AnyManifest;
    provides: (m: AnyManifest) => string[];
    article: string;
  }
> = {
  env: {
    validate: validateEnvManifest,
    provides: (m) => (m as EnvPluginManifest).envs.map((e) => e.id),
    article: 'an',
  },
  policy: {
    validate: validatePolicyManifest,
    provides: (m) => (m as PolicyPluginManifest).policies.map((p) => p.id),
    article: 'a',
  },
  algorithm: {
    validate: validateAlgorithmManifest,
    provides: (m) => (m as AlgorithmPluginManifest).algorithms.map((a) => a.id),
    article: 'an',
  },
};

const hasSpecification = (v: unknown) =>
  typeof v === 'object' && v !== null && 'specificationVersion' in (v as object);

/**
 * The manifest a plugin module exports: its default export (unwrapping the `default.default`
 * that CommonJS interop produces), or else the one named export carrying a `specificationVersion`.
 */
export function pickManifest(ref: string, mod: Record<string, unknown>): unknown {
  let value = mod.default;
  if (hasSpecification((value as any)?.default) && !hasSpecification(value)) value = (value as any).default;
  if (value !== undefined) return value;
  const named = Object.entries(mod).filter(([, v]) => hasSpecification(v));
  if (named.length === 1) return named[0]![1];
  if (named.length > 1) {
    throw new PluginLoadError(
      ref,
      `it has no default export and several named exports look like manifests (${named.map(([k]) => k).join(', ')}); export the manifest as default`,
    );
  }
  throw new PluginLoadError(
    ref,
    'it has no default export; a plugin must `export default` its manifest ({ specificationVersion, name, version, envs | policies | algorithms })',
  );
}

/** Validates an imported manifest as the kind its `specificationVersion` says, naming the plugin in every error. */
export function validateManifest(
  ref: string,
  value: unknown,
  declaredKind?: string,
): {
  kind: PluginKind;
  manifest: AnyManifest;
} {
  const classified = classifySpecification(value);
  if ('problem' in classified) throw new PluginLoadError(ref, classified.problem);
  const { kind } = classified;
  if (declaredKind !== undefined && declaredKind !== kind) {
    throw new PluginLoadError(
      ref,
      `its package.json declares "rl4vlm": {"plugin": ${JSON.stringify(declaredKind)}} but its manifest is ${PLUGIN_KINDS[kind].article} ${kind} plugin manifest`,
    );
  }
  try {
    return { kind, manifest: PLUGIN_KINDS[kind].validate(value, ref) };
  } catch (error) {
    // The validators list `field: problem` lines after their first line; keep those.
    const lines = (error as Error).message.split('\n').slice(1).join('\n');
    throw new PluginLoadError(ref, `its ${kind} manifest is invalid:\n${lines || (error as Error).message}`, {
      cause: error,
    });
  }
}

/** How long a plugin's import may take: `RL4VLM_PLUGIN_TIMEOUT_MS`, default 60 s. */
function pluginLoadTimeoutMs(): number {
  const fromEnv = Number(process.env.RL4VLM_PLUGIN_TIMEOUT_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 60_000;
}

/** Imports a resolved plugin and returns its validated manifest, or a {@link PluginLoadError} saying why not. */
export async function loadPlugin(resolved: ResolvedPlugin): Promise<LoadedPlugin> {
  const { ref, url } = resolved;
  const kinds = Object.keys(PLUGIN_KINDS);
  if (resolved.declaredKind !== undefined && !kinds.includes(resolved.declaredKind)) {
    throw new PluginLoadError(
      ref,
      `its package.json "rl4vlm.plugin" is ${JSON.stringify(resolved.declaredKind)}; allowed: ${kinds.map((k) => `"${k}"`).join(', ')}`,
    );
  }
  let mod: Record<string, unknown>;
  const timeoutMs = pluginLoadTimeoutMs();
  let timer: NodeJS.Timeout | undefined;
  try {
    // The timer also keeps the process alive: a never-settling top-level await would otherwise
    // let Node exit 0 with no output.
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new PluginLoadError(
              ref,
              `importing ${url} did not finish within ${timeoutMs / 1000} s (a top-level await that never settles?). Set RL4VLM_PLUGIN_TIMEOUT_MS to wait longer`,
            ),
          ),
        timeoutMs,
      );
    });
    mod = await Promise.race([import(url) as Promise<Record<string, unknown>>, timedOut]);
  } catch (error) {
    if (error instanceof PluginLoadError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new PluginLoadError(ref, `importing ${url} failed: ${message}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
  const value = pickManifest(ref, mod);
  const { kind, manifest } = validateManifest(ref, value, resolved.declaredKind);
  const base = { ref, url, name: manifest.name, version: manifest.version, module: mod };
  return { ...base, kind, manifest } as LoadedPlugin;
}
