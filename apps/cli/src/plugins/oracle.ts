import type { Info, TextOptions } from '@rl4vlm/env';
import type { OracleFn } from '@rl4vlm/policy';
import type { PluginRegistry } from './plugin-registry.js';

/**
 * How the app finds an env's oracle (the ideal reply, for `sft-data`, `demo` and the `oracle`
 * policy). Two conventions, tried in order:
 * 1. the env spec has `oracle(textOptions, kwargs) → (prompt, info) => reply`;
 * 2. the plugin module exports `createOracle(envId, kwargs) → { reply(info, textOptions) }`
 *    (what `@rl4vlm/gym-cards` exports).
 */
export function findOracle(
  registry: PluginRegistry,
  envId: string,
  { text = {}, kwargs = {} }: { text?: TextOptions; kwargs?: Record<string, unknown> } = {},
): OracleFn | undefined {
  const spec = registry.envSpec(envId) as { oracle?: unknown };
  if (typeof spec.oracle === 'function') {
    const oracle = spec.oracle(text, kwargs);
    if (typeof oracle === 'function') return oracle as OracleFn;
  }
  const owner = registry.plugins.find((p) => p.kind === 'env' && p.name === registry.envPlugin(envId));
  const create = owner?.module.createOracle;
  if (typeof create === 'function') {
    const resolved = registry.envs.resolveKwargs(envId, kwargs);
    const oracle = create(envId, resolved) as { reply?: (info: Info, options?: TextOptions) => string };
    if (typeof oracle?.reply === 'function') return (_prompt, info) => oracle.reply!(info, text);
  }
  return undefined;
}

/**
 * Like {@link findOracle}, but an error saying which conventions were looked for when there is
 * none; `hint` (what the caller needs the oracle for and how to do without) ends the message.
 */
export function requireOracle(
  registry: PluginRegistry,
  envId: string,
  options?: { text?: TextOptions; kwargs?: Record<string, unknown>; hint?: string },
): OracleFn {
  const oracle = findOracle(registry, envId, options);
  if (!oracle) {
    throw new Error(
      `Env '${envId}' (from ${registry.envPlugin(envId) ?? 'unknown plugin'}) has no oracle: add \`oracle: (textOptions, kwargs) => (prompt, info) => reply\` to its env spec, or export \`createOracle(envId, kwargs)\` from the plugin${options?.hint ? `. ${options.hint}` : ''}`,
    );
  }
  return oracle;
}
