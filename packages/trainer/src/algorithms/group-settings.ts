import { z } from 'zod';
import type { CollectPlan } from '../algorithm.js';

/** The group-rollout settings GRPO, RLOO and GiGPO share. */
export const groupCollectShape = {
  /** Initial states (seeds) per update, N. */
  groups: z.number().int().positive().default(4),
  /** Copies played from each seed, G [verl-agent GiGPO/GRPO: 8]. */
  groupSize: z.number().int().positive().default(4),
  /** A trajectory still running after this many steps is cut there (its return is what it got). */
  maxEpisodeSteps: z.number().int().positive().default(20),
};

export const groupPlan = (s: {
  groups: number;
  groupSize: number;
  maxEpisodeSteps: number;
}): CollectPlan => ({
  kind: 'groups',
  groups: s.groups,
  groupSize: s.groupSize,
  maxEpisodeSteps: s.maxEpisodeSteps,
});
