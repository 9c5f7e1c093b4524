import type { AsyncVectorEnv as NodeAsyncVectorEnv } from './async-vector-env.js';

/** The browser twin of `async-vector-env.ts`: worker threads are Node's, so it says so. */
export type { WorkerEnvSource } from './async-vector-env.js';

export const AsyncVectorEnv = class {
  constructor() {
    throw new Error(
      'AsyncVectorEnv runs envs on Node worker threads and is not available in the browser build of @rl4vlm/env; use SyncVectorEnv',
    );
  }
} as unknown as typeof NodeAsyncVectorEnv;
export type AsyncVectorEnv<Obs, Act> = NodeAsyncVectorEnv<Obs, Act>;
