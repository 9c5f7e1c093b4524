import type { Info, Prompt } from '@rl4vlm/env';

export type { Prompt } from '@rl4vlm/env';

/**
 * A {@link Prompt} that may carry the env's `info` for the step it was built from.
 * Policies that need more than the text and the image (the scripted baselines: legal actions,
 * the oracle's state) read it from here; learned policies ignore it.
 */
export interface PromptWithInfo extends Prompt {
  info?: Info;
}

/** One sampled reply to one prompt. */
export interface Generation {
  /** The decoded reply, without the end-of-sequence token and cut before a stop string. */
  text: string;
  /** The sampled token ids, including the end-of-sequence token when one was sampled. */
  tokenIds: number[];
  /**
   * Per-token log-probabilities of `tokenIds` under the temperature-scaled distribution
   * (`log_softmax(logits / temperature)`, before top-p truncation), one per token. Empty for
   * policies that have none (scripted, remote).
   */
  logProbs: number[];
  /** The value estimate V(s) of the prompt, where the policy has a value head. */
  value?: number;
  /** The prompt's token ids as the policy encoded them (images excluded), so a trainer can store them. */
  promptTokenIds?: number[];
}

/** How to sample. Every field is optional; see each default. */
export interface GenerateOptions {
  /** Softmax temperature; `0` means greedy. Default 1. */
  temperature?: number;
  /** Nucleus sampling: keep the smallest set of tokens whose probability sums to `topP`. Default 1 (off). */
  topP?: number;
  /** The most tokens to generate per prompt. Default 256. */
  maxNewTokens?: number;
  /** Seed of the sampling generator; the same seed, prompts and weights give the same replies. */
  seed?: number;
  /**
   * One sampling seed per prompt. A policy that honours it makes reply `i` depend only on
   * `seeds[i]`, prompt `i` and the weights — not on the other rows — so a batch can be split
   * across processes and give the same replies. Takes precedence over `seed` where supported.
   */
  seeds?: readonly number[];
  /** Generation of a prompt stops once its text contains one of these strings (kept in `text`). */
  stop?: string[];
}

/**
 * Anything that answers prompts: a trainable model, a remote chat endpoint, a scripted baseline.
 *
 * @example
 * const [reply] = await policy.generate([prompt], { temperature: 0.2, maxNewTokens: 64, seed: 1 });
 * textEnv.step(reply.text);
 */
export interface VlmPolicy {
  /** The id the policy was created from, e.g. `tfjs:tiny` or `random`. */
  readonly id: string;
  /** One {@link Generation} per prompt, in order. */
  generate(prompts: readonly Prompt[], options?: GenerateOptions): Promise<Generation[]>;
  /** Releases what the policy holds (tensors, sockets). Safe to call twice. */
  dispose?(): void | Promise<void>;
}

/**
 * The per-prompt sampling seeds a batch-wide `seed` stands for: row `i` gets
 * `seed + i·0x9e3779b1` (32-bit). Policies that take {@link GenerateOptions.seeds} use it for a
 * plain `seed`, so a batch split into shards (with each shard's slice of these seeds) samples
 * exactly what the whole batch would.
 */
export function rowSeeds(seed: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => (seed + Math.imul(i, 0x9e3779b1)) | 0);
}
