import type { EnvSpec } from '@rl4vlm/env';
import type { z } from 'zod';
import { AlfworldEnv } from './bridge/alfworld-env.js';
import { bridgeOptionsSchema } from './bridge/bridge-options.js';
import { rewardKwargSchema, withHistory } from './household-spec.js';
import { alfworldText } from './text/alfworld-text.js';
import { historyKwargSchema } from './text/history-wrapper.js';
import { AlfworldRewardWrapper } from './text/reward-wrapper.js';

/** Keyword arguments of `alfworld/Bridge-v0`: the bridge options plus `reward` (RL4VLM's by default, `false` for the bare score) and `history`. */
export const bridgeKwargsSchema = bridgeOptionsSchema.extend({
  reward: rewardKwargSchema,
  history: historyKwargSchema,
});
export type BridgeKwargs = z.output<typeof bridgeKwargsSchema>;

/** The registry entry of `alfworld/Bridge-v0`. */
export const bridgeSpec: EnvSpec<BridgeKwargs> = {
  id: 'alfworld/Bridge-v0',
  description: 'Python ALFWorld (TextWorld or THOR) through a JSON-lines sidecar process',
  factory: ({ reward, history, ...options }) => {
    const env = new AlfworldEnv(options);
    return withHistory(reward === false ? env : new AlfworldRewardWrapper(env, reward), history);
  },
  kwargsSchema: bridgeKwargsSchema as never,
  text: (options) => alfworldText(options),
};
