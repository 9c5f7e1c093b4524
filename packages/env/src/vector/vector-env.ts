import type { Info, ResetResult, StepResult } from '../env.js';
import type { Image } from '../image.js';
import { deriveSeeds } from '../rng.js';

/** What a vector env's `reset` returns: one entry per sub-env. */
export interface VectorResetResult<Obs> {
  observations: Obs[];
  infos: Info[];
}

/** What a vector env's `step` returns: one entry per sub-env. */
export interface VectorStepResult<Obs> {
  observations: Obs[];
  rewards: number[];
  terminations: boolean[];
  truncations: boolean[];
  infos: Info[];
}

/**
 * Several envs stepped together, with Gymnasium's **next-step autoreset**: when sub-env `i`
 * ends at step t, step t returns its final observation; at step t+1 its action is ignored and
 * it is reset instead (reward 0, not terminated, not truncated, `info.autoreset = true`).
 *
 * `reset({seed})` seeds sub-env `i` with `seed + i`.
 */
export abstract class VectorEnv<Obs, Act> {
  abstract readonly numEnvs: number;
  private pending: boolean[] = [];
  private started = false;

  protected abstract resetOne(
    index: number,
    options: { seed?: number; options?: Record<string, unknown> },
  ): Promise<ResetResult<Obs>>;
  protected abstract stepOne(index: number, action: Act): Promise<StepResult<Obs>>;
  protected abstract renderOne(index: number): Promise<Image>;
  abstract close(): Promise<void>;

  async reset({
    seed,
    options,
  }: {
    seed?: number;
    options?: Record<string, unknown>;
  } = {}): Promise<VectorResetResult<Obs>> {
    const seeds = seed === undefined ? undefined : deriveSeeds(seed, this.numEnvs);
    const results = await Promise.all(
      Array.from({ length: this.numEnvs }, (_, i) => this.resetOne(i, { seed: seeds?.[i], options })),
    );
    this.pending = new Array(this.numEnvs).fill(false);
    this.started = true;
    return { observations: results.map((r) => r.observation), infos: results.map((r) => r.info) };
  }

  async step(actions: readonly Act[]): Promise<VectorStepResult<Obs>> {
    if (!this.started) throw new Error('Call reset() on the vector env before step()');
    if (actions.length !== this.numEnvs) {
      throw new RangeError(`step() got ${actions.length} actions for ${this.numEnvs} envs`);
    }
    const results = await Promise.all(
      actions.map(async (action, i): Promise<StepResult<Obs>> => {
        if (this.pending[i]) {
          const r = await this.resetOne(i, {});
          return {
            observation: r.observation,
            reward: 0,
            terminated: false,
            truncated: false,
            info: { ...r.info, autoreset: true },
          };
        }
        return this.stepOne(i, action);
      }),
    );
    this.pending = results.map((r) => r.terminated || r.truncated);
    return {
      observations: results.map((r) => r.observation),
      rewards: results.map((r) => r.reward),
      terminations: results.map((r) => r.terminated),
      truncations: results.map((r) => r.truncated),
      infos: results.map((r) => r.info),
    };
  }

  /** Renders every sub-env. */
  async render(): Promise<Image[]> {
    return Promise.all(Array.from({ length: this.numEnvs }, (_, i) => this.renderOne(i)));
  }
}
