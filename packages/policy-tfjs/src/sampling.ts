import type { Rng } from '@rl4vlm/env';

/** `log_softmax(logits / temperature)` in float64 (temperature 0 counts as 1: greedy decoding reports plain log-probs). */
export function logSoftmax(logits: ArrayLike<number>, temperature: number): Float64Array {
  const t = temperature > 0 ? temperature : 1;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]! / t);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! / t - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i]! / t - lse;
  return out;
}

/**
 * Draws a token from `log-probs` with nucleus (top-p) truncation, using one uniform draw from
 * `rng`; `temperature 0` takes the argmax (lowest id on ties).
 */
export function sampleToken(
  logProbs: Float64Array,
  { temperature, topP }: { temperature: number; topP: number },
  rng: Rng,
): number {
  if (temperature <= 0) {
    let best = 0;
    for (let i = 1; i < logProbs.length; i++) if (logProbs[i]! > logProbs[best]!) best = i;
    return best;
  }
  const u = rng.float();
  if (topP >= 1) {
    let acc = 0;
    for (let i = 0; i < logProbs.length; i++) {
      acc += Math.exp(logProbs[i]!);
      if (u < acc) return i;
    }
    return logProbs.length - 1;
  }
  const order = Array.from(logProbs.keys()).sort((a, b) => logProbs[b]! - logProbs[a]! || a - b);
  const kept: number[] = [];
  let mass = 0;
  for (const i of order) {
    kept.push(i);
    mass += Math.exp(logProbs[i]!);
    if (mass >= topP) break;
  }
  let acc = 0;
  for (const i of kept) {
    acc += Math.exp(logProbs[i]!) / mass;
    if (u < acc) return i;
  }
  return kept[kept.length - 1]!;
}
