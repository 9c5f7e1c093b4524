import type { Image, Rng } from '@rl4vlm/env';
import { renderNumberLine } from '@rl4vlm/gym-cards';

/** The numbers NumberLine draws, here up to 20 (the env's `maxPosition` kwarg) so two digits occur. */
export const MAX_VALUE = 20;

export const READING_PROMPT = 'USER: <image>\nWhat are the target and current numbers? ASSISTANT:';

export interface ReadingSample {
  image: Image;
  answer: string;
}

/**
 * Every (target, current) pair NumberLine can show, split so that the held-out pairs never
 * appear in training: each digit is seen in each place, but never in that combination.
 */
export function readingSplit(maxValue = MAX_VALUE): {
  train: [number, number][];
  heldOut: [number, number][];
} {
  const train: [number, number][] = [];
  const heldOut: [number, number][] = [];
  for (let target = 0; target <= maxValue; target++)
    for (let current = 0; current <= maxValue; current++)
      ((target * (maxValue + 1) + current) % 5 === 0 ? heldOut : train).push([target, current]);
  return { train, heldOut };
}

/** NumberLine's own frame for the pair, and the reply that reads it. */
export function readingSample([target, current]: [number, number]): ReadingSample {
  return { image: renderNumberLine(target, current), answer: `${target} ${current}` };
}

/** Draws `n` pairs from `pairs` with a seeded generator. */
export function drawPairs(pairs: readonly [number, number][], n: number, rng: Rng): [number, number][] {
  return Array.from({ length: n }, () => pairs[rng.int(0, pairs.length - 1)]!);
}
