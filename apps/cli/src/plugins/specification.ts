import { ENV_SPECIFICATION_VERSION } from '@rl4vlm/env';
import { POLICY_SPECIFICATION_VERSION } from '@rl4vlm/policy';
import { ALGORITHM_SPECIFICATION_VERSION } from '@rl4vlm/trainer';

/** The kinds of plugin the app loads. */
export type PluginKind = 'env' | 'policy' | 'algorithm';

/** The specification version this app implements for each kind of plugin. */
export const SUPPORTED_SPECIFICATIONS: Record<PluginKind, string> = {
  env: ENV_SPECIFICATION_VERSION,
  policy: POLICY_SPECIFICATION_VERSION,
  algorithm: ALGORITHM_SPECIFICATION_VERSION,
};

/**
 * Which kind of plugin a manifest is, from its `specificationVersion` (`rl4vlm.env/v1`,
 * `rl4vlm.policy/v1`, `rl4vlm.algorithm/v1`), or why it cannot be used: missing, of an unknown family, or of a
 * version this app does not implement.
 */
export function classifySpecification(value: unknown): { kind: PluginKind } | { problem: string } {
  const supported = Object.values(SUPPORTED_SPECIFICATIONS)
    .map((s) => `'${s}'`)
    .join(' or ');
  if (typeof value !== 'object' || value === null) {
    return { problem: `its manifest is ${value === null ? 'null' : typeof value}, expected an object` };
  }
  const version = (value as { specificationVersion?: unknown }).specificationVersion;
  if (version === undefined) {
    return { problem: `specificationVersion: is required (expected ${supported})` };
  }
  if (typeof version !== 'string') {
    return {
      problem: `specificationVersion: must be a string such as ${supported}, got ${JSON.stringify(version)}`,
    };
  }
  for (const [kind, current] of Object.entries(SUPPORTED_SPECIFICATIONS) as [PluginKind, string][]) {
    if (version === current) return { kind };
    const family = current.slice(0, current.lastIndexOf('/') + 1);
    if (version.startsWith(family)) {
      return {
        problem: `specificationVersion: '${version}' is not supported; this version of rl4vlm implements '${current}' (upgrade rl4vlm or use a release of the plugin made for '${current}')`,
      };
    }
  }
  return {
    problem: `specificationVersion: '${version}' is not a known plugin specification (expected ${supported})`,
  };
}
