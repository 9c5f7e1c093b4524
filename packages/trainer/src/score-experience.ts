import { cotLogProb } from './action-split.js';
import type { Replicas } from './replicas/replicas.js';
import type { RolloutSample } from './rollout.js';
import { scoreNoGrad, type TfTrainablePolicy } from './scoring.js';

/** The values the update compares against, one entry per sample, kept apart from the frozen samples. */
export interface ScoredColumns {
  /** Per-token log-probs of the rollout policy (re-scored, or the sampler's own). */
  tokenLogProbs: number[][];
  /** λ-weighted log-prob of each reply under the rollout policy: the ratio's denominator. */
  oldLogProbs: number[];
  /** V(s) of each step's prompt (re-scored, or the sampler's own). */
  values: number[];
  /** Per-token log-probs of the reference (starting) policy, when a KL penalty is on. */
  refTokenLogProbs?: number[][];
}

/** Options of {@link scoreExperience}. */
export interface ScoreExperienceOptions {
  /** The policy's replicas, which re-score in fixed chunks of `batchSize` (same bits for any count). */
  replicas: Pick<Replicas, 'score'>;
  /** `rescore`: one no-grad pass now, so the first ratio is exactly 1; `generation`: the sampler's numbers. */
  mode: 'rescore' | 'generation';
  temperature: number;
  batchSize: number;
  thoughtCoef: number;
  /** Scored too when given (for the k3 KL to the starting policy). */
  referencePolicy?: TfTrainablePolicy;
}

/** Scores the collected replies exactly as the update will score them; the samples are not touched. */
export async function scoreExperience(
  samples: readonly RolloutSample[],
  o: ScoreExperienceOptions,
): Promise<ScoredColumns> {
  const items = samples.map((s) => ({ prompt: s.prompt, responseTokenIds: s.responseTokenIds }));
  let tokenLogProbs = samples.map((s) => s.tokenLogProbs);
  let values = samples.map((s) => s.value);
  if (o.mode === 'rescore') {
    const scored = await o.replicas.score(items, { temperature: o.temperature, batchSize: o.batchSize });
    tokenLogProbs = scored.tokenLogProbs;
    values = scored.values;
  }
  const oldLogProbs = samples.map((s, i) => cotLogProb(tokenLogProbs[i]!, s.split, o.thoughtCoef));
  const refTokenLogProbs = o.referencePolicy
    ? scoreNoGrad(o.referencePolicy, items, { temperature: o.temperature, batchSize: o.batchSize })
        .tokenLogProbs
    : undefined;
  return { tokenLogProbs, oldLogProbs, values, refTokenLogProbs };
}
