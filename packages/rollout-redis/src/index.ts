/**
 * `@rl4vlm/rollout-redis`: rollouts across machines on Redis with BullMQ. Workers anywhere take
 * rollout jobs ("play envs [a, b) with policy version v"), load the published weights (checked by
 * hash) and return token ids, log-probs, rewards and dones; one learner gathers them and updates.
 */
export { type CollectStats, RedisRollouts, type RedisRolloutsOptions } from './collector.js';
export {
  type ConnectionRole,
  type RedisConnectionOptions,
  redactRedisUrl,
  redisOptions,
} from './connection.js';
export { RedisUnreachableError, RolloutJobFailedError } from './errors.js';
export {
  DEFAULT_QUEUE,
  QUEUE_PREFIX,
  type RolloutJob,
  type RolloutResult,
  rolloutJobId,
  rolloutJobSchema,
  rolloutResultSchema,
  type StepRecord,
} from './job.js';
export { ReplayPolicy } from './replay-policy.js';
export {
  applyWeights,
  encodeWeights,
  type HasTrainableVariables,
  publishWeights,
  sha256,
  WeightsCache,
  type WeightsRef,
  type WeightsStore,
  weightsRefSchema,
} from './weights.js';
export {
  type RolloutWorkerHandle,
  type RolloutWorkerOptions,
  startRolloutWorker,
  type WorkerPolicy,
} from './worker.js';
