import type { GenerateOptions, Generation, Prompt, VlmPolicy } from '@rl4vlm/policy';
import { promptHash, type StepRecord } from './job.js';

/**
 * A policy that answers with the replies workers recorded, `records[t][i]` at the t-th call for
 * env i. The learner plays its own envs with it from the same seeds to rebuild the prompts
 * (images included) that workers did not send, and checks each prompt against the worker's hash:
 * a difference means the worker's env is not the learner's (another version or other options).
 */
export class ReplayPolicy implements VlmPolicy {
  readonly id = 'replay';
  private t = 0;
  constructor(
    private readonly records: readonly (readonly StepRecord[])[],
    private readonly describe: (t: number, env: number) => string,
  ) {}

  async generate(prompts: readonly Prompt[], _options?: GenerateOptions): Promise<Generation[]> {
    const row = this.records[this.t];
    if (!row) throw new Error(`replay: asked for step ${this.t}, workers recorded ${this.records.length}`);
    if (row.length !== prompts.length)
      throw new Error(`replay: step ${this.t} has ${row.length} recorded replies for ${prompts.length} envs`);
    const out = prompts.map((p, i) => {
      const r = row[i]!;
      if (promptHash(p.text) !== r.promptHash)
        throw new Error(
          `${this.describe(this.t, i)}: the worker saw another prompt than the learner's env shows (prompt hash ${r.promptHash} vs ${promptHash(p.text)}): do worker and learner run the same env version and options?`,
        );
      return {
        text: r.text,
        tokenIds: r.tokenIds,
        logProbs: r.logProbs,
        value: r.value,
        promptTokenIds: r.promptTokenIds,
      };
    });
    this.t += 1;
    return out;
  }
}
