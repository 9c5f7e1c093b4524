import type { TfTrainablePolicy } from '../scoring.js';
import { LocalReplicas, type Replicas } from './replicas.js';
import { WorkerPool } from './worker-pool.js';

/** Options of {@link startReplicas}. */
export interface StartReplicasOptions {
  /** 1 = the main thread's policy itself; N > 1 = N worker threads. */
  workers: number;
  policy: TfTrainablePolicy;
  /** Module URLs/paths of the policy plugins a worker imports to rebuild `policyId`; required for N > 1. */
  policyModules?: string[];
  policyId: string;
  policyOptions?: Record<string, unknown>;
  workerUrl?: URL;
}

/** {@link LocalReplicas} for one worker, else a {@link WorkerPool} of `workers` threads. */
export async function startReplicas(options: StartReplicasOptions): Promise<Replicas> {
  if (options.workers === 1) return new LocalReplicas(options.policy);
  if (!options.policyModules?.length)
    throw new Error(
      `workers: ${options.workers} needs the module of the policy plugin that provides '${options.policyId}' (policyModules), so each worker can build a replica; or use workers: 1`,
    );
  return WorkerPool.start({ ...options, policyModules: options.policyModules });
}
