import { type Info, Rng } from '@rl4vlm/env';
import type { GenerateOptions, Generation, Prompt, PromptWithInfo, VlmPolicy } from './policy.js';

/** Where a {@link RandomPolicy} gets the legal action labels of a prompt. */
export type LegalLabels = readonly string[] | ((prompt: PromptWithInfo) => readonly string[] | undefined);

/** The `info` keys a {@link RandomPolicy} reads legal labels from when it was given none. */
export const LEGAL_LABEL_INFO_KEYS = ['legalActions', 'admissibleCommands', 'actionLabels'] as const;

/** The RL4VLM reply format: a JSON object whose last key is `"action"`. */
export function jsonActionReply(label: string, thoughts = 'I choose at random.'): string {
  return `{"thoughts": ${JSON.stringify(thoughts)}, "action": ${JSON.stringify(label)}}`;
}

/** Options of {@link RandomPolicy}. */
export interface RandomPolicyOptions {
  /**
   * The legal action labels, e.g. `['-', '+']` for NumberLine, or a function of the prompt
   * (for envs whose legal actions change, like ALFWorld). When absent, or when the function
   * gives none, each prompt's `info.legalActions`, `info.admissibleCommands` or
   * `info.actionLabels` is used.
   */
  labels?: LegalLabels;
  /** Writes a label as a reply. Default {@link jsonActionReply}. */
  format?: (label: string, prompt: PromptWithInfo) => string;
  /** Seed used when `generate` gets none. */
  seed?: number;
  /** The policy's id. Default `random`. */
  id?: string;
}

function labelsFromInfo(info: Info | undefined): readonly string[] | undefined {
  if (!info) return undefined;
  for (const key of LEGAL_LABEL_INFO_KEYS) {
    const v = info[key];
    if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v as string[];
  }
  return undefined;
}

/**
 * The random baseline: every reply names a uniformly random legal action in the env's reply
 * format, so it always parses. Seeded: the same seed gives the same replies.
 *
 * @example
 * const random = new RandomPolicy({ labels: ['-', '+'] });
 * const [g] = await random.generate([prompt], { seed: 3 }); // g.text === '{"thoughts": "…", "action": "+"}'
 */
export class RandomPolicy implements VlmPolicy {
  readonly id: string;
  private readonly labels?: LegalLabels;
  private readonly format: (label: string, prompt: PromptWithInfo) => string;
  private rng: Rng;

  constructor({
    labels,
    format = (label) => jsonActionReply(label),
    seed,
    id = 'random',
  }: RandomPolicyOptions = {}) {
    if (Array.isArray(labels) && labels.length === 0)
      throw new RangeError('RandomPolicy needs at least one legal label');
    this.labels = labels;
    this.format = format;
    this.rng = new Rng(seed);
    this.id = id;
  }

  /** The legal labels of `prompt`; throws, naming where it looked, when there are none. */
  legalLabels(prompt: PromptWithInfo): readonly string[] {
    const given = typeof this.labels === 'function' ? this.labels(prompt) : this.labels;
    const found = given?.length ? given : labelsFromInfo(prompt.info);
    if (!found || found.length === 0) {
      throw new Error(
        `RandomPolicy has no legal actions for this prompt: pass { labels } to the constructor, or put a non-empty string[] in the prompt's info under one of ${LEGAL_LABEL_INFO_KEYS.join(', ')}`,
      );
    }
    return found;
  }

  async generate(prompts: readonly Prompt[], options: GenerateOptions = {}): Promise<Generation[]> {
    const rng = options.seed !== undefined ? new Rng(options.seed) : this.rng;
    return prompts.map((prompt) => {
      const labels = this.legalLabels(prompt as PromptWithInfo);
      const label = labels[rng.int(0, labels.length - 1)]!;
      return { text: this.format(label, prompt as PromptWithInfo), tokenIds: [], logProbs: [] };
    });
  }
}
