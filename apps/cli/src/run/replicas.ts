import { isTrainablePolicy, type VlmPolicy } from '@rl4vlm/policy';
import { type Replicas, ReplicatedPolicy, startReplicas, type TfTrainablePolicy } from '@rl4vlm/trainer';
import type { PluginRegistry } from '../plugins/index.js';

/** A policy whose generation runs on `workers` replicas when it can be copied, and how to stop them. */
export interface PolicyOnWorkers {
  policy: VlmPolicy;
  /** E.g. `2 replicas: the main thread and 1 worker thread (tensor backend: wasm)`, or why it runs in-process. */
  description: string;
  replicas?: Replicas;
  close(): Promise<void>;
}

/**
 * Spreads a policy's generation over `workers` worker threads (eval, serve). Policies that
 * cannot be copied into a worker (scripted, remote, or without `exportWeights`) run as they are.
 */
export async function policyOnWorkers(
  registry: PluginRegistry,
  policyId: string,
  policy: VlmPolicy,
  workers: number,
  policyOptions: Record<string, unknown> = {},
): Promise<PolicyOnWorkers> {
  const copyable = isTrainablePolicy(policy) && typeof policy.exportWeights === 'function';
  if (workers <= 1 || !copyable) {
    const why = workers <= 1 ? '1 worker, in-process' : `in-process (${policyId} is not copied to workers)`;
    return { policy, description: why, close: async () => {} };
  }
  const replicas = await startReplicas({
    workers,
    policy: policy as TfTrainablePolicy,
    policyModules: registry.policyModules(policyId),
    policyId,
    policyOptions,
  });
  return {
    policy: new ReplicatedPolicy(policy, replicas),
    description: replicas.description,
    replicas,
    close: () => replicas.close(),
  };
}
