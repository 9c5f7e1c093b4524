import { Rng } from '@rl4vlm/env';
import * as tf from '@tensorflow/tfjs-core';
import { type Adam, flattenGradients } from './adam.js';
import type { PpoConfig } from './config.js';
import type { GradientAccumulator } from './grads.js';
import type { ProgressCallback } from './metrics.js';
import { type ChunkGradients, chunksOf, type RlChunk, sumInChunkOrder } from './replicas/chunk-gradients.js';
import { tensorsOfCopy } from './replicas/read-into.js';
import type { Replicas } from './replicas/replicas.js';
import type { RolloutSample } from './rollout.js';
import type { ScoredColumns } from './score-experience.js';
import { deriveSeed, SeedStream } from './seeds.js';

/** Options of {@link minibatchUpdate}. */
export interface MinibatchUpdateOptions {
  /**
   * The policy's replicas, with the run's loss set (`setRlLoss`) and `adam` given to them
   * (`startOptimizer`): they compute the minibatch gradients and each takes every optimizer step.
   */
  replicas: Pick<Replicas, 'gradients' | 'step'>;
  /** The main policy's trainable variables, which `adam` updates. */
  variables: readonly tf.Variable[];
  samples: readonly RolloutSample[];
  columns: ScoredColumns;
  advantages: readonly number[];
  /** Value targets; zeros for a critic-free algorithm. */
  returns: readonly number[];
  rl: PpoConfig;
  adam: Adam;
  accumulator: GradientAccumulator;
  lr: number;
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
 *      loss ← Σ over the minibatch's chunks of `chunkSize` samples, in chunk order:
 *             (chunk samples / minibatch samples) · the run's loss(λ-weighted new log-probs, old
 *             log-probs, A, …) over the chunk; gradients accumulated (the chunks up to the next
 *             optimizer step are computed on the replicas at once, then summed in chunk order:
 *             the same bits for any number of replicas)
 *      approx-KL > 1.5·targetKl → drop this gradient and end the update
 *      non-finite loss → skip the minibatch; non-finite gradient norm → skip the optimizer step
 *      every `gradAccumSteps` minibatches: clip by global norm, Adam step at `lr`
 */
export async function minibatchUpdate(o: MinibatchUpdateOptions): Promise<MinibatchUpdateResult> {
  const { samples, columns, rl, variables, accumulator, adam, lr, log, replicas } = o;
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
  const step = async () => {
    const taken = accumulator.take(rl.maxGradNorm);
    if (!taken) return;
    if (!Number.isFinite(taken.norm)) {
      skippedSteps += 1;
      log(
        `update ${u + 1}/${rl.numUpdates}: non-finite gradient norm (${taken.norm}); optimizer step skipped`,
      );
    } else {
      const gradient = tf.tidy(() => flattenGradients(taken.grads));
      await replicas.step(adam, gradient, lr);
      gradient.dispose();
      optimizerSteps += 1;
      gradNorms.push(taken.norm);
    }
    for (const g of taken.grads) g.dispose();
  };
  const batchesPerEpoch = Math.floor(trainable.length / rl.miniBatchSize);
  const totalBatches = batchesPerEpoch * rl.epochs;
  // Every epoch's seeded order, cut into minibatches: the fixed chunks of the update.
  const minibatches: number[][] = [];
  for (let epoch = 0; epoch < rl.epochs; epoch++) {
    const order = new Rng(deriveSeed(o.seed, SeedStream.minibatch, u, epoch)).shuffle(trainable);
    for (let b = 0; b < batchesPerEpoch; b++)
      minibatches.push(order.slice(b * rl.miniBatchSize, (b + 1) * rl.miniBatchSize));
  }
  const ref = columns.refTokenLogProbs;
  const chunkOf = (idx: readonly number[], weight: number): RlChunk => ({
    kind: 'rl',
    weight,
    samples: idx.map((i) => {
      const s = samples[i]!;
      return {
        prompt: s.prompt,
        responseTokenIds: s.responseTokenIds,
        split: s.split,
        oldLogProb: columns.oldLogProbs[i]!,
        advantage: o.advantages[i]!,
        return: o.returns[i]!,
        oldValue: columns.values[i]!,
        refTokenLogProbs: ref?.[i],
      };
    }),
  });
  // A minibatch's fixed chunks, each weighted by its share of the minibatch.
  const chunkSize = rl.chunkSize ?? rl.miniBatchSize;
  const split = (idx: readonly number[]): RlChunk[] =>
    chunksOf(idx, chunkSize).map((part) =>
      chunkOf(part, part.length === idx.length ? 1 : part.length / idx.length),
    );
  let klStopAt: number | null = null;
  let next = 0;
  while (next < minibatches.length && klStopAt === null) {
    // The minibatches until the next optimizer step see the same weights: the replicas compute
    // all their chunks at once; gradients are then summed in chunk order and taken minibatch by
    // minibatch, as one after another would be.
    const group = minibatches.slice(next, next + rl.gradAccumSteps - accumulator.size).map(split);
    const results = await replicas.gradients(group.flat());
    let offset = 0;
    for (let k = 0; k < group.length; k++) {
      const at = next + k;
      const chunks = group[k]!;
      const parts = results.slice(offset, offset + chunks.length);
      offset += chunks.length;
      const { loss, gradient } = sumInChunkOrder(parts);
      const [pl, vl, ent, kl, akl, cf, guard] = weightedStats(parts, chunks);
      if (rl.targetKl !== null && akl! > 1.5 * rl.targetKl) {
        // Too far from the rollout policy: drop this gradient and end the update here.
        klStopAt = at;
        log(
          `update ${u + 1}/${rl.numUpdates}: approx-KL ${akl!.toFixed(4)} > 1.5 × targetKl at minibatch ${klStopAt}; update stopped`,
        );
        break;
      }
      if (!Number.isFinite(loss)) {
        skippedMinibatches += 1;
        log(`update ${u + 1}/${rl.numUpdates}: non-finite loss (${loss}) on a minibatch; it is skipped`);
      } else {
        const grads = tensorsOfCopy(gradient, variables);
        accumulator.add(grads);
        tf.dispose(grads);
        sums.policyLoss += pl!;
        sums.valueLoss += vl!;
        sums.entropy += ent!;
        sums.kl += kl!;
        sums.approxKl += akl!;
        sums.clipFraction += cf!;
        sums.guard += guard!;
        sums.n += 1;
      }
      if (accumulator.size >= rl.gradAccumSteps) await step();
      o.onProgress?.({ phase: 'update', done: at + 1, total: totalBatches, update: u });
    }
    next += group.length;
  }
  await step(); // a partial accumulation at the end of the update still counts
  return { sums, skippedMinibatches, skippedSteps, optimizerSteps, gradNorms, klStopAt };
}

/**
 * A minibatch's statistics from its chunks': each chunk's weighted by its share, added in chunk
 * order (the minibatch mean for per-sample means; the guard becomes the share of samples whose
 * chunk fired it); a whole-minibatch chunk's as they are.
 */
function weightedStats(parts: readonly ChunkGradients[], chunks: readonly RlChunk[]): number[] {
  if (parts.length === 1) return parts[0]!.stats!;
  const out = parts[0]!.stats!.map(() => 0);
  for (let c = 0; c < parts.length; c++) {
    const stats = parts[c]!.stats!;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + chunks[c]!.weight * stats[i]!;
  }
  return out;
}
