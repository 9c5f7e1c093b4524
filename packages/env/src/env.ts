import type { Image } from './image.js';
import { Rng } from './rng.js';
import type { Space } from './spaces/space.js';

/** A value or a promise of it: bridged envs (a Python sidecar, a worker) are async. */
export type MaybePromise<T> = T | Promise<T>;

/** Free-form per-step information, as Gymnasium's `info` dict. */
export type Info = Record<string, unknown>;

/** Options for {@link Env.reset}. */
export interface ResetOptions {
  /** Seeds the env's generator: the same seed reproduces the same episode. */
  seed?: number;
  /** Env-specific reset options. */
  options?: Record<string, unknown>;
}

/** What {@link Env.reset} returns. */
export interface ResetResult<Obs> {
  observation: Obs;
  info: Info;
}

/** What {@link Env.step} returns, with Gymnasium's split of `terminated` (the MDP ended) and `truncated` (cut off). */
export interface StepResult<Obs> {
  observation: Obs;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Info;
}

/** Static facts about an env, as Gymnasium's `metadata`. */
export interface EnvMetadata {
  renderModes?: string[];
  [key: string]: unknown;
}

/**
 * An environment with Gymnasium semantics.
 *
 * - `reset({seed})` starts an episode; the same seed gives the same episode.
 * - `step(action)` advances one step; once `terminated` or `truncated` is true, call `reset` again.
 * - `render()` returns the current frame as an RGB image.
 * - `close()` frees resources and may be called more than once.
 */
export interface Env<Obs = unknown, Act = unknown> {
  readonly observationSpace: Space<Obs>;
  readonly actionSpace: Space<Act>;
  readonly metadata?: EnvMetadata;
  /** The registry id this env was made from, when made by `make`. */
  spec?: { id: string; maxEpisodeSteps?: number; kwargs?: Record<string, unknown> };
  reset(options?: ResetOptions): MaybePromise<ResetResult<Obs>>;
  step(action: Act): MaybePromise<StepResult<Obs>>;
  render(): MaybePromise<Image>;
  close(): MaybePromise<void>;
}

/** Thrown when an env is given an action outside its action space. */
export class InvalidActionError extends Error {
  constructor(action: unknown, space: Space<unknown>) {
    super(`Invalid action ${JSON.stringify(action)}: the action space is ${JSON.stringify(space.toJSON())}`);
    this.name = 'InvalidActionError';
  }
}

/** Thrown when `step` is called before `reset` or after the episode ended. */
export class ResetNeededError extends Error {
  constructor(why: string) {
    super(`Cannot call step(): ${why}; call reset() first`);
    this.name = 'ResetNeededError';
  }
}

/**
 * A convenient base for synchronous envs: owns the seeded {@link Rng} (`this.rng`),
 * reseeds it on `reset({seed})`, validates actions against the action space, and
 * refuses `step` before `reset` or after the episode ended.
 *
 * Subclasses implement `resetEpisode(options)` and `stepEpisode(action)`.
 */
export abstract class BaseEnv<Obs, Act> implements Env<Obs, Act> {
  abstract readonly observationSpace: Space<Obs>;
  abstract readonly actionSpace: Space<Act>;
  metadata?: EnvMetadata;
  spec?: Env<Obs, Act>['spec'];
  /** The env's own generator: every random draw comes from it. */
  protected rng: Rng = new Rng();
  private episodeOver = true;
  private closed = false;

  reset({ seed, options }: ResetOptions = {}): ResetResult<Obs> {
    if (this.closed) throw new Error('Cannot reset a closed env');
    if (seed !== undefined) this.rng = new Rng(seed);
    this.episodeOver = false;
    return this.resetEpisode(options ?? {});
  }

  step(action: Act): StepResult<Obs> {
    if (this.closed) throw new ResetNeededError('the env is closed');
    if (this.episodeOver) throw new ResetNeededError('the episode is over or has not started');
    if (!this.actionSpace.contains(action)) throw new InvalidActionError(action, this.actionSpace);
    const result = this.stepEpisode(action);
    if (result.terminated || result.truncated) this.episodeOver = true;
    return result;
  }

  abstract render(): Image;

  close(): void {
    this.closed = true;
  }

  /** The generator's state, for checkpoints; restore with {@link BaseEnv.setRngState}. */
  getRngState() {
    return this.rng.getState();
  }

  setRngState(state: ReturnType<Rng['getState']>): void {
    this.rng = Rng.fromState(state);
  }

  protected abstract resetEpisode(options: Record<string, unknown>): ResetResult<Obs>;
  protected abstract stepEpisode(action: Act): StepResult<Obs>;
}
