import type { Info } from '@rl4vlm/env';
import type { GenerateOptions, Generation, Prompt, PromptWithInfo, VlmPolicy } from './policy.js';

/** An env's oracle: the ideal reply to a prompt, given the step's `info`. */
export type OracleFn = (prompt: Prompt, info: Info) => string | Promise<string>;

/**
 * Turns an env's oracle into a policy, e.g. to measure the ceiling of a task or to write SFT
 * data. Each prompt's `info` ({@link PromptWithInfo}) is passed to the oracle (`{}` when absent).
 *
 * @example
 * const oracle = new OraclePolicy((prompt, info) => jsonActionReply(info.target > info.current ? '+' : '-'));
 */
export class OraclePolicy implements VlmPolicy {
  readonly id: string;
  private readonly oracle: OracleFn;

  constructor(oracle: OracleFn, { id = 'oracle' }: { id?: string } = {}) {
    if (typeof oracle !== 'function')
      throw new TypeError('OraclePolicy needs a function (prompt, info) => reply text');
    this.oracle = oracle;
    this.id = id;
  }

  async generate(prompts: readonly Prompt[], _options: GenerateOptions = {}): Promise<Generation[]> {
    const out: Generation[] = [];
    for (const prompt of prompts) {
      const text = await this.oracle(prompt, (prompt as PromptWithInfo).info ?? {});
      if (typeof text !== 'string')
        throw new TypeError(`The oracle returned ${typeof text}; it must return the reply text`);
      out.push({ text, tokenIds: [], logProbs: [] });
    }
    return out;
  }
}
