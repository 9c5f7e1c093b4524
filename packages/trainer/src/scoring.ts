import './register-gradients.js';
import type { Prompt } from '@rl4vlm/env';
import type { ScoreItem, TrainablePolicy } from '@rl4vlm/policy';
import * as tf from '@tensorflow/tfjs-core';

/** A {@link TrainablePolicy} on TensorFlow.js, as `@rl4vlm/policy-tfjs` provides. */
export type TfTrainablePolicy = TrainablePolicy<tf.Tensor, tf.Variable>;

/** Per-token log-probs (trimmed to each response's length) and values, without gradients. */
export function scoreNoGrad(
  policy: TfTrainablePolicy,
  items: readonly ScoreItem[],
  { temperature = 1, batchSize = 8 }: { temperature?: number; batchSize?: number } = {},
): { tokenLogProbs: number[][]; values: number[] } {
  const tokenLogProbs: number[][] = [];
  const values: number[] = [];
  for (let at = 0; at < items.length; at += batchSize) {
    const chunk = items.slice(at, at + batchSize);
    const [lp, v] = tf.tidy(() => {
      const out = policy.score(chunk, { temperature });
      return [out.logProbs.arraySync() as number[][], out.values.arraySync() as number[]];
    });
    for (let i = 0; i < chunk.length; i++) {
      tokenLogProbs.push(lp[i]!.slice(0, chunk[i]!.responseTokenIds.length));
      values.push(v[i]!);
    }
  }
  return { tokenLogProbs, values };
}

/**
 * V(s) of prompts. The value head reads the last prompt position only (spec §3.1), so any
 * response works; a one-token response (EOS) is the cheapest.
 */
export function valuesOf(policy: TfTrainablePolicy, prompts: readonly Prompt[], batchSize = 8): number[] {
  if (prompts.length === 0) return [];
  const eos = policy.tokenizer.eosId;
  return scoreNoGrad(
    policy,
    prompts.map((prompt) => ({ prompt, responseTokenIds: [eos] })),
    { batchSize },
  ).values;
}

/**
 * Runs `lossFn` under `tf.variableGrads` over `variables` and returns the loss and one
 * gradient per variable, in order (zeros for a variable the loss does not touch).
 */
export function lossAndGrads(
  lossFn: () => tf.Scalar,
  variables: readonly tf.Variable[],
): { loss: number; grads: tf.Tensor[] } {
  const { value, grads } = tf.variableGrads(lossFn, variables as tf.Variable[]);
  const loss = value.dataSync()[0]!;
  value.dispose();
  return { loss, grads: variables.map((v) => grads[v.name] ?? tf.zerosLike(v)) };
}
