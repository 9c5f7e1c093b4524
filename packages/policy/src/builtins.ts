import { POLICY_SPECIFICATION_VERSION, type PolicyPluginManifest } from './manifest.js';
import { type OracleFn, OraclePolicy } from './oracle-policy.js';
import { type LegalLabels, RandomPolicy } from './random-policy.js';
import { PolicyRegistry } from './registry.js';

/**
 * The scripted baselines as a plugin manifest:
 * - `random`: options `{ labels?, seed?, format? }` (see {@link RandomPolicy});
 * - `oracle`: options `{ oracle: (prompt, info) => reply }` (see {@link OraclePolicy}).
 */
export const builtinPolicies: PolicyPluginManifest = {
  specificationVersion: POLICY_SPECIFICATION_VERSION,
  name: '@rl4vlm/policy',
  version: '0.1.0',
  description: 'Scripted baselines',
  policies: [
    {
      id: 'random',
      description: 'a uniformly random legal action in the reply format',
      create: (arg, options) =>
        new RandomPolicy({
          labels: options.labels as LegalLabels | undefined,
          seed: options.seed as number | undefined,
          format: options.format as ((label: string) => string) | undefined,
          id: arg ? `random:${arg}` : 'random',
        }),
    },
    {
      id: 'oracle',
      description: "an env's oracle as a policy (options.oracle)",
      create: (arg, options) => {
        if (typeof options.oracle !== 'function') {
          throw new TypeError(
            "Policy 'oracle' needs options.oracle: a function (prompt, info) => reply text",
          );
        }
        return new OraclePolicy(options.oracle as OracleFn, { id: arg ? `oracle:${arg}` : 'oracle' });
      },
    },
  ],
};

/** A registry with the scripted baselines (`random`, `oracle`) registered; add backends with `registerManifest`. */
export function createPolicyRegistry(): PolicyRegistry {
  const registry = new PolicyRegistry();
  registry.registerManifest(builtinPolicies);
  return registry;
}
