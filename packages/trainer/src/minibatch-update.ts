import { Rng } from '@rl4vlm/env';
import * as tf from '@tensorflow/tfjs-core';
import { tokenWeights } from './action-split.js';
import type { Adam } from './adam.js';
import type { PpoConfig } from './config.js';
import type { GradientAccumulator } from './grads.js';
import type { ProgressCallback } from './metrics.js';
import type { PpoLossInput, PpoLossOutput } from './ppo-loss.js';
import type { RolloutSample } from './rollout.js';
import type { ScoredColumns } from './score-experience.js';
import { lossAndGrads, type TfTrainablePolicy } from './scoring.js';
import { deriveSeed, SeedStream } from './seeds.js';

/** Options of {@link minibatchUpdate}. */
export interface MinibatchUpdateOptions {
  policy: TfTrainablePolicy;
  variables: readonly tf.Variable[];
  samples: readonly RolloutSample[];
  columns: ScoredColumns;
  advantages: readonly number[];
  /** Value targets; zeros for a critic-free algorithm. */
  returns: readonly number[];
  /** The minibatch loss (λ is already in `tokenWeights`). */
  loss: (input: PpoLossInput) => PpoLossOutput;
  rl: PpoConfig;
  adam: Adam;
  accumulator: GradientAccumulator;
  lr: number;
  scoreTemperature: number;
  seed: number;
  update: number;
  log: (message: string) => void;
  onProgress?: ProgressCallback;
}

/** Sums and counts of one update, for its metrics record. */
export interface MinibatchUpdateResult {
  sums: {
    policyLoss: number;
    valueLoss: number;
    entropy: number;
    kl: number;
    approxKl: number;
    clipFraction: number;
    guard: number;
    /** Minibatches whose gradient was kept. */
    n: number;
  };
  skippedMinibatches: number;
  skippedSteps: number;
  optimizerSteps: number;
  gradNorms: number[];
  /** The minibatch index where `targetKl` stopped the update, or null. */
  klStopAt: number | null;
}

/**
 * The optimisation half of an update, the same for every algorithm:
 *
 *   for `epochs` passes, minibatches in a seeded order (drop_last, samples without tokens skipped):
 *      loss ← loss(λ-weighted new log-probs, old log-probs, A, …); gradients accumulated
 *      approx-KL > 1.5·targetKl → drop this gradient and end the update
 *      non-finite loss → skip the minibatch; non-finite gradient norm → skip the optimizer step
 *      every `gradAccumSteps` minibatches: clip by global norm, Adam step at `lr`
 */
export function minibatchUpdate(o: MinibatchUpdateOptions): MinibatchUpdateResult {
  const { samples, columns, rl, policy, variables, accumulator, adam, lr, log } = o;
  const u = o.update;
  const trainable = samples.map((_, i) => i).filter((i) => samples[i]!.responseTokenIds.length > 0);
  const sums = {
    policyLoss: 0,
    valueLoss: 0,
    entropy: 0,
    kl: 0,
    approxKl: 0,
    clipFraction: 0,
    guard: 0,
    n: 0,
  };
  let skippedMinibatches = 0;
  let skippedSteps = 0;
  let optimizerSteps = 0;
  const gradNorms: number[] = [];
  const step = () => {
    const taken = accumulator.take(rl.maxGradNorm);
    if (!taken) return;
    if (!Number.isFinite(taken.norm)) {
      skippedSteps += 1;
      log(
        `update ${u + 1}/${rl.numUpdates}: non-finite gradient norm (${taken.norm}); optimizer step skipped`,
      );
    } else {
      adam.apply(taken.grads, lr);
      optimizerSteps += 1;
      gradNorms.push(taken.norm);
    }
    for (const g of taken.grads) g.dispose();
  };
  const batchesPerEpoch = Math.floor(trainable.length / rl.miniBatchSize);
  const totalBatches = batchesPerEpoch * rl.epochs;
  let klStopAt: number | null = null;
  for (let epoch = 0; epoch < rl.epochs && klStopAt === null; epoch++) {
    const order = new Rng(deriveSeed(o.seed, SeedStream.minibatch, u, epoch)).shuffle(trainable);
    for (let b = 0; b < batchesPerEpoch; b++) {
      const idx = order.slice(b * rl.miniBatchSize, (b + 1) * rl.miniBatchSize);
      const batch = idx.map((i) => samples[i]!);
      let stats: tf.Tensor[] = [];
      const { loss, grads } = lossAndGrads(() => {
        const out = policy.score(
          batch.map((s) => ({ prompt: s.prompt, responseTokenIds: s.responseTokenIds })),
          { temperature: o.scoreTemperature },
        );
        const maxLen = out.logProbs.shape[1] as number;
        const ref = columns.refTokenLogProbs;
        const r = o.loss({
          tokenLogProbs: out.logProbs,
          tokenWeights: tf.tensor2d(
            batch.map((s) => tokenWeights(s.split, rl.thoughtCoef, maxLen)),
            [batch.length, maxLen],
          ),
          mask: out.mask,
          values: out.values,
          entropy: out.entropy,
          refTokenLogProbs: ref
            ? tf.tensor2d(
                idx.map((i) => padTo(ref[i]!, maxLen)),
                [batch.length, maxLen],
              )
            : undefined,
          oldLogProbs: tf.tensor1d(idx.map((i) => columns.oldLogProbs[i]!)),
          advantages: tf.tensor1d(idx.map((i) => o.advantages[i]!)),
          returns: tf.tensor1d(idx.map((i) => o.returns[i]!)),
          oldValues: tf.tensor1d(idx.map((i) => columns.values[i]!)),
        });
        stats = [r.policyLoss, r.valueLoss, r.entropy, r.kl, r.approxKl, r.clipFraction, r.guardFired].map(
          (t) => tf.keep(t),
        );
        return r.loss;
      }, variables);
      const [pl, vl, ent, kl, akl, cf, guard] = stats.map((t) => t.dataSync()[0]!);
      for (const t of stats) t.dispose();
      if (rl.targetKl !== null && akl! > 1.5 * rl.targetKl) {
        // Too far from the rollout policy: drop this gradient and end the update here.
        klStopAt = epoch * batchesPerEpoch + b;
        for (const g of grads) g.dispose();
        log(
          `update ${u + 1}/${rl.numUpdates}: approx-KL ${akl!.toFixed(4)} > 1.5 × targetKl at minibatch ${klStopAt}; update stopped`,
        );
        break;
      }
      if (!Number.isFinite(loss)) {
        skippedMinibatches += 1;
        log(`update ${u + 1}/${rl.numUpdates}: non-finite loss (${loss}) on a minibatch; it is skipped`);
      } else {
        accumulator.add(grads);
        sums.policyLoss += pl!;
        sums.valueLoss += vl!;
        sums.entropy += ent!;
        sums.kl += kl!;
        sums.approxKl += akl!;
        sums.clipFraction += cf!;
        sums.guard += guard!;
        sums.n += 1;
      }
      for (const g of grads) g.dispose();
      if (accumulator.size >= rl.gradAccumSteps) step();
      o.onProgress?.({
        phase: 'update',
        done: epoch * batchesPerEpoch + b + 1,
        total: totalBatches,
        update: u,
      });
    }
  }
  step(); // a partial accumulation at the end of the update still counts
  return { sums, skippedMinibatches, skippedSteps, optimizerSteps, gradNorms, klStopAt };
}

function padTo(xs: readonly number[], n: number): number[] {
  const out = new Array<number>(n).fill(0);
  for (let i = 0; i < Math.min(n, xs.length); i++) out[i] = xs[i]!;
  return out;
}
