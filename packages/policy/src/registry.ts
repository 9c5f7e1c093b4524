import { closestMatch } from '@rl4vlm/env';
import {
  POLICY_PREFIX_PATTERN,
  type PolicyFactorySpec,
  type PolicyOptions,
  type PolicyPluginManifest,
  validatePolicyManifest,
} from './manifest.js';
import type { VlmPolicy } from './policy.js';

/** Thrown when an id's prefix is not registered; lists the registered prefixes and the closest one. */
export class UnknownPolicyError extends Error {
  readonly id: string;
  readonly available: string[];
  readonly suggestion?: string;

  constructor(id: string, prefix: string, available: string[]) {
    const suggestion = closestMatch(prefix, available);
    const list = available.length
      ? available.map((a) => `  - ${a}`).join('\n')
      : '  (none: load a plugin first)';
    super(
      `Unknown policy '${id}': no policy kind '${prefix}' is registered.${suggestion ? ` Did you mean '${suggestion}'?` : ''}\nRegistered policy kinds (use '<kind>' or '<kind>:<arg>'):\n${list}`,
    );
    this.name = 'UnknownPolicyError';
    this.id = id;
    this.available = available;
    this.suggestion = suggestion;
  }
}

/** Splits `tfjs:./runs/x` into `['tfjs', './runs/x']` and `random` into `['random', undefined]`. */
export function parsePolicyId(id: string): { prefix: string; arg?: string } {
  if (typeof id !== 'string' || id.length === 0)
    throw new TypeError(`A policy id must be a non-empty string, got ${JSON.stringify(id)}`);
  const colon = id.indexOf(':');
  if (colon < 0) return { prefix: id };
  const arg = id.slice(colon + 1);
  return { prefix: id.slice(0, colon), arg: arg.length ? arg : undefined };
}

/**
 * Maps id prefixes to policy factories and creates policies from ids such as `tfjs:tiny`,
 * `tfjs:./runs/x/checkpoint`, `openai:gpt-4o`, `random` or `oracle`.
 *
 * @example
 * const policies = new PolicyRegistry();
 * policies.registerManifest(tfjsManifest);
 * const policy = await policies.create('tfjs:tiny', { seed: 1 });
 */
export class PolicyRegistry {
  private readonly factories = new Map<string, PolicyFactorySpec & { source?: string }>();

  /** Registers one kind of policy. A second registration of the same id throws unless `override`. */
  register(
    spec: PolicyFactorySpec,
    { override = false, source }: { override?: boolean; source?: string } = {},
  ): void {
    if (!POLICY_PREFIX_PATTERN.test(spec.id)) {
      throw new TypeError(
        `Policy kind '${spec.id}' is not a lower-case word such as 'tfjs' (letters, digits, '-', '_')`,
      );
    }
    if (typeof spec.create !== 'function')
      throw new TypeError(`Policy kind '${spec.id}': create must be a function`);
    const existing = this.factories.get(spec.id);
    if (existing && !override) {
      throw new Error(
        `Policy kind '${spec.id}' is already registered${existing.source ? ` by ${existing.source}` : ''}; pass { override: true } to replace it`,
      );
    }
    this.factories.set(spec.id, { ...spec, source });
  }

  /** Validates a plugin manifest and registers all its policy kinds. */
  registerManifest(
    value: unknown,
    { source, override = false }: { source?: string; override?: boolean } = {},
  ): PolicyPluginManifest {
    const manifest = validatePolicyManifest(value, source ?? (value as { name?: string })?.name);
    for (const spec of manifest.policies) this.register(spec, { override, source: source ?? manifest.name });
    return manifest;
  }

  /** True when the id's prefix is registered. */
  has(id: string): boolean {
    return this.factories.has(parsePolicyId(id).prefix);
  }

  /** The registered prefixes, sorted. */
  kinds(): string[] {
    return [...this.factories.keys()].sort();
  }

  /** The registered kinds with their descriptions, for listings. */
  list(): { id: string; description?: string; source?: string }[] {
    return this.kinds().map((id) => {
      const f = this.factories.get(id)!;
      return { id, description: f.description, source: f.source };
    });
  }

  /** Creates the policy named by `id`; its `id` property is set to `id` when the factory left it unset. */
  async create(id: string, options: PolicyOptions = {}): Promise<VlmPolicy> {
    const { prefix, arg } = parsePolicyId(id);
    const factory = this.factories.get(prefix);
    if (!factory) throw new UnknownPolicyError(id, prefix, this.kinds());
    const policy = await factory.create(arg, options);
    if (!policy || typeof policy.generate !== 'function') {
      throw new TypeError(
        `Policy kind '${prefix}' returned ${policy === null ? 'null' : typeof policy} from create(); expected an object with generate()`,
      );
    }
    return policy;
  }
}
