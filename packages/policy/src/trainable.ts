import type { Prompt, VlmPolicy } from './policy.js';
import type { PolicyTokenizer } from './tokenizer.js';

/** One (prompt, response) pair to score. */
export interface ScoreItem {
  prompt: Prompt;
  /** The response's token ids, e.g. {@link Generation.tokenIds} from the rollout. */
  responseTokenIds: readonly number[];
}

/** How to score. */
export interface ScoreOptions {
  /** Divide the logits by this before `log_softmax` (RL4VLM scores at its sampling temperature 0.2). Default 1. */
  temperature?: number;
}

/**
 * The result of {@link TrainablePolicy.score}, as tensors of the policy's tensor library
 * (`Tensor`), connected to its trainable variables so a loss built from them has gradients.
 * `maxLen` is the longest response in the batch.
 */
export interface ScoreResult<Tensor = unknown> {
  /** `[batch, maxLen]`: log-prob of response token `t` given the prompt and tokens `< t`; 0 at padding. */
  logProbs: Tensor;
  /** `[batch, maxLen]`: entropy of the distribution each response token was drawn from; 0 at padding. */
  entropy: Tensor;
  /** `[batch]`: V(s) from the hidden state of the last prompt token. */
  values: Tensor;
  /** `[batch, maxLen]`: 1 at real response tokens, 0 at padding. */
  mask: Tensor;
}

/**
 * A policy a trainer can optimise. `Tensor` and `Variable` are the tensor library's types
 * (for `@rl4vlm/policy-tfjs`: `tf.Tensor` and `tf.Variable`); this package does not depend on one.
 *
 * @example
 * const { value, grads } = tf.variableGrads(() => {
 *   const { logProbs, values, mask } = policy.score(batch);
 *   return ppoLoss(logProbs, values, mask);
 * }, policy.trainableVariables());
 */
export interface TrainablePolicy<Tensor = unknown, Variable = unknown> extends VlmPolicy {
  readonly tokenizer: PolicyTokenizer;
  /** Scores every pair in one batched forward pass; call it inside the gradient tape. */
  score(batch: readonly ScoreItem[], options?: ScoreOptions): ScoreResult<Tensor>;
  /** The variables an optimiser updates (LoRA adapters and the value head when LoRA is on). */
  trainableVariables(): Variable[];
  /**
   * Optional learning-rate multipliers, one per {@link trainableVariables} entry (in that
   * order); an optimiser multiplies its learning rate by them. Absent means 1 for all. A policy
   * uses it to train parts at different speeds, e.g. a vision encoder slower than the LM.
   */
  learningRateScales?(): number[];
  /**
   * Optional: the weights as a safetensors buffer (all of them, or only the
   * {@link trainableVariables} with `trainableOnly`), so a trainer can copy them into replicas
   * on worker threads without touching the disk.
   */
  exportWeights?(options?: { trainableOnly?: boolean }): Uint8Array;
  /** Optional: replaces the weights named in a buffer from {@link exportWeights} (others are kept). */
  importWeights?(bytes: Uint8Array): void;
  /** Writes the weights, config and tokenizer to `dir` (created when missing). */
  save(dir: string): Promise<void>;
  /** Replaces the weights with those saved in `dir`; the architecture must match. */
  load(dir: string): Promise<void>;
}

/** True when `policy` has the {@link TrainablePolicy} methods. */
export function isTrainablePolicy(policy: VlmPolicy): policy is TrainablePolicy {
  const p = policy as Partial<TrainablePolicy>;
  return (
    typeof p.score === 'function' &&
    typeof p.trainableVariables === 'function' &&
    typeof p.save === 'function'
  );
}
