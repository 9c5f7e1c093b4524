import type { ZodType } from 'zod';
import { closestMatch } from './closest.js';
import type { Env, Info } from './env.js';
import type { Prompt, TextInterface } from './text-env.js';
import { TimeLimit } from './wrappers/time-limit.js';

/** Env ids look like `namespace/Name-vN`, e.g. `gym-cards/NumberLine-v0`. */
export const ENV_ID_PATTERN = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.]+(?:-[A-Za-z0-9_.]+)*-v\d+$/;

/**
 * Ids of envs served by an env server (`rl4vlm env-serve`): `remote:` and one or more comma-separated
 * `ws://` or `wss://` URLs, e.g. `remote:ws://10.0.0.5:8000,ws://10.0.0.6:8000`.
 */
export const REMOTE_ENV_ID_PATTERN = /^remote:wss?:\/\/[^\s,]+(?:,wss?:\/\/[^\s,]+)*$/;

/** Options for an env's text layer. `cot: false` is the action-only prompt of the paper's ablation. */
export interface TextOptions {
  cot?: boolean;
  [key: string]: unknown;
}

/** How to make one env: what `register` takes and what a plugin manifest lists. */
export interface EnvSpec<Kw extends Record<string, unknown> = Record<string, any>> {
  /** `namespace/Name-vN`. */
  id: string;
  /** Builds the env from validated keyword arguments. */
  factory: (kwargs: Kw) => Env<any, any>;
  /** Wraps the env in `TimeLimit` when set. */
  maxEpisodeSteps?: number;
  /** Default keyword arguments, overridden by those given to `make`. */
  kwargs?: Partial<Kw>;
  /** A zod schema the merged kwargs must satisfy. */
  kwargsSchema?: ZodType<Kw>;
  /** The text layer a VLM sees for this env. */
  text?: (options: TextOptions) => TextInterface<any, any>;
  /**
   * An expert for this env: given the text options and kwargs, a function that writes the
   * expert's reply (in the env's reply format) for a step. Apps use it for warm-start data
   * (SFT transcripts) and as the `oracle` baseline policy.
   */
  oracle?: (options: TextOptions, kwargs: Partial<Kw>) => (prompt: Prompt, info: Info) => string;
  /** One line for listings. */
  description?: string;
}

/** Thrown by `make` for an id nobody registered; lists what exists and the closest match. */
export class UnknownEnvError extends Error {
  readonly id: string;
  readonly available: string[];
  readonly suggestion?: string;

  constructor(id: string, available: string[]) {
    const suggestion = closestMatch(id, available);
    const list = available.length
      ? available.map((a) => `  - ${a}`).join('\n')
      : '  (none: load a plugin first)';
    super(
      `Unknown env id '${id}'.${suggestion ? ` Did you mean '${suggestion}'?` : ''}\nRegistered env ids:\n${list}`,
    );
    this.name = 'UnknownEnvError';
    this.id = id;
    this.available = available;
    this.suggestion = suggestion;
  }
}

/** Thrown when the kwargs given to `make` do not satisfy the env's schema. */
export class InvalidKwargsError extends Error {
  constructor(id: string, problems: string[]) {
    super(`Invalid kwargs for '${id}':\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidKwargsError';
  }
}

/**
 * A registry of env specs by id, as Gymnasium's `register`/`make`.
 * The module-level {@link register} and {@link make} use one default registry.
 */
export class EnvRegistry {
  private readonly specs = new Map<string, EnvSpec>();

  /** Adds a spec; registering the same id twice is an error unless `override` is set. */
  register(spec: EnvSpec<any>, { override = false } = {}): void {
    if (!ENV_ID_PATTERN.test(spec.id) && !REMOTE_ENV_ID_PATTERN.test(spec.id)) {
      throw new RangeError(
        `Env id '${spec.id}' must look like 'namespace/Name-vN', e.g. 'gym-cards/NumberLine-v0' (or 'remote:ws://host:port' for a served env)`,
      );
    }
    if (typeof spec.factory !== 'function') throw new TypeError(`Env '${spec.id}' needs a factory function`);
    if (this.specs.has(spec.id) && !override) {
      throw new Error(`Env id '${spec.id}' is already registered; pass {override: true} to replace it`);
    }
    this.specs.set(spec.id, spec);
  }

  has(id: string): boolean {
    return this.specs.has(id);
  }

  /** Every registered id, sorted. */
  ids(): string[] {
    return [...this.specs.keys()].sort();
  }

  /** The spec for an id, or an {@link UnknownEnvError}. */
  spec(id: string): EnvSpec {
    const spec = this.specs.get(id);
    if (!spec) throw new UnknownEnvError(id, this.ids());
    return spec;
  }

  /** The kwargs `make` would use: defaults merged with `kwargs`, validated by the spec's schema. */
  resolveKwargs(id: string, kwargs: Record<string, unknown> = {}): Record<string, unknown> {
    const spec = this.spec(id);
    const merged = { ...(spec.kwargs ?? {}), ...kwargs };
    if (!spec.kwargsSchema) return merged;
    const parsed = spec.kwargsSchema.safeParse(merged);
    if (!parsed.success) {
      throw new InvalidKwargsError(
        id,
        parsed.error.issues.map((issue) => {
          const key = issue.path.join('.') || '(root)';
          const value = issue.path.reduce<unknown>((v, k) => (v as any)?.[k as any], merged);
          return `${key}: ${issue.message} (got ${JSON.stringify(value)})`;
        }),
      );
    }
    return parsed.data as Record<string, unknown>;
  }

  /** Builds an env by id, with `TimeLimit` applied when the spec sets `maxEpisodeSteps`. */
  make<Obs = any, Act = any>(
    id: string,
    kwargs: Record<string, unknown> = {},
    { maxEpisodeSteps }: { maxEpisodeSteps?: number } = {},
  ): Env<Obs, Act> {
    const spec = this.spec(id);
    const resolved = this.resolveKwargs(id, kwargs);
    let env: Env<Obs, Act> = spec.factory(resolved);
    const limit = maxEpisodeSteps ?? spec.maxEpisodeSteps;
    if (limit !== undefined) env = new TimeLimit(env, limit);
    env.spec = { id, maxEpisodeSteps: limit, kwargs: resolved };
    return env;
  }
}

/** The default registry used by {@link register} and {@link make}. */
export const registry = new EnvRegistry();

/** Registers an env spec in the default registry. */
export function register(spec: EnvSpec<any>, options?: { override?: boolean }): void {
  registry.register(spec, options);
}

/** Makes a registered env from the default registry. */
export function make<Obs = any, Act = any>(
  id: string,
  kwargs?: Record<string, unknown>,
  options?: { maxEpisodeSteps?: number },
): Env<Obs, Act> {
  return registry.make<Obs, Act>(id, kwargs, options);
}
