import type { Env, ResetResult, StepResult } from '../env.js';
import type { Image } from '../image.js';
import { VectorEnv } from './vector-env.js';

/**
 * Steps its envs one after another in this thread.
 *
 * @example
 * const envs = new SyncVectorEnv(Array.from({ length: 4 }, () => () => make('gym-cards/NumberLine-v0')));
 * await envs.reset({ seed: 0 });
 */
export class SyncVectorEnv<Obs, Act> extends VectorEnv<Obs, Act> {
  readonly envs: Env<Obs, Act>[];
  readonly numEnvs: number;

  constructor(envFns: readonly (() => Env<Obs, Act>)[]) {
    super();
    if (envFns.length === 0) throw new RangeError('SyncVectorEnv needs at least one env');
    this.envs = envFns.map((fn) => fn());
    this.numEnvs = this.envs.length;
  }

  protected async resetOne(
    i: number,
    options: { seed?: number; options?: Record<string, unknown> },
  ): Promise<ResetResult<Obs>> {
    return this.envs[i]!.reset(options);
  }

  protected async stepOne(i: number, action: Act): Promise<StepResult<Obs>> {
    return this.envs[i]!.step(action);
  }

  protected async renderOne(i: number): Promise<Image> {
    return this.envs[i]!.render();
  }

  async close(): Promise<void> {
    for (const env of this.envs) await env.close();
  }
}
