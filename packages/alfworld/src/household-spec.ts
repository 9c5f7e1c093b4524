import type { Env, EnvSpec } from '@rl4vlm/env';
import { z } from 'zod';
import { HouseholdEnv } from './household/household-env.js';
import { householdOptionsSchema } from './household/household-options.js';
import type { AlfworldObservation } from './observation.js';
import { alfworldText, alfworldThought } from './text/alfworld-text.js';
import { writeExpertReply } from './text/expert-reply.js';
import { AlfworldHistoryWrapper, historyKwargSchema } from './text/history-wrapper.js';
import { AlfworldRewardWrapper, alfworldRewardSchema } from './text/reward-wrapper.js';

/** `reward`: RL4VLM's reward settings (default), or `false` for the bare TextWorld score (1 on a win). */
export const rewardKwargSchema = z.union([z.literal(false), alfworldRewardSchema]).default({
  successBonus: 50,
  progressWeight: 1,
  invalidPenalty: 1,
  progressMode: 'level',
});

/** `env` itself, or wrapped to keep its last `history` steps in `info.history` for the prompt. */
export function withHistory(
  env: Env<AlfworldObservation, string>,
  history: number,
): Env<AlfworldObservation, string> {
  return history > 0 ? new AlfworldHistoryWrapper(env, history) : env;
}

/** Keyword arguments of `alfworld/Household-v0`. */
export const householdKwargsSchema = householdOptionsSchema.extend({
  reward: rewardKwargSchema,
  history: historyKwargSchema,
});
export type HouseholdKwargs = z.output<typeof householdKwargsSchema>;

/** The registry entry of `alfworld/Household-v0`. */
export const householdSpec: EnvSpec<HouseholdKwargs> = {
  id: 'alfworld/Household-v0',
  description:
    "ALFWorld's text game in TypeScript over generated household rooms, with a rendered view and an expert",
  factory: ({ reward, history, ...options }) => {
    const env = new HouseholdEnv(options);
    return withHistory(reward === false ? env : new AlfworldRewardWrapper(env, reward), history);
  },
  kwargsSchema: householdKwargsSchema as never,
  text: (options) => alfworldText(options),
  // The expert's next move from `info` (the warm-start label), written in the reply format.
  // With `thought: 'plan'` the reason shows its work where the expert gives one (`expertPlan`).
  oracle: ({ cot = true, ...options }) => {
    const plan = alfworldThought(options) === 'plan';
    return (_prompt, info) => {
      const command = info.expertCommand as string | undefined;
      if (!command) return writeExpertReply({ command: 'look', reason: 'The task is done' }, { cot });
      const reason =
        (plan ? (info.expertPlan as string | undefined) : undefined) ??
        (info.expertReason as string | undefined) ??
        'This is the next step of the plan';
      return writeExpertReply(
        { command, reason },
        { cot: Boolean(cot), goal: info.goal as string | undefined },
      );
    };
  },
};
