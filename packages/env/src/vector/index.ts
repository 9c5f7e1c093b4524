export { AsyncVectorEnv, type WorkerEnvSource } from './async-vector-env.js';
export { SyncVectorEnv } from './sync-vector-env.js';
export { VectorEnv, type VectorResetResult, type VectorStepResult } from './vector-env.js';
