import type { GenerateOptions, Prompt, ScoreItem } from '@rl4vlm/policy';
import type { AdamSettings, AdamState } from '../adam.js';
import type { GradientChunk, RlLossSpec } from './chunk-gradients.js';

/** How a worker builds its replica: the policy's plugin modules, id and options, and the weights. */
export interface ReplicaSetup {
  /** Module URLs or absolute paths whose default export is a policy plugin manifest. */
  policyModules: string[];
  policyId: string;
  policyOptions: Record<string, unknown>;
  /** Every weight of the main policy, as a safetensors buffer. */
  weights: Uint8Array;
}

/** A request from the main thread to a worker; each gets exactly one {@link WorkerReply} with its id. */
export type WorkerRequest = { id: number } & (
  | { type: 'init'; setup: ReplicaSetup }
  | { type: 'weights'; bytes: Uint8Array }
  | { type: 'optimizer'; settings: AdamSettings; learningRateScales: number[]; state: AdamState }
  /** `gradients` is a view on a SharedArrayBuffer the main thread reuses: read it before replying. */
  | { type: 'step'; gradients: Float32Array; learningRate: number }
  | { type: 'generate'; prompts: Prompt[]; options: GenerateOptions }
  | { type: 'rlLoss'; spec: RlLossSpec }
  /**
   * Chunk `i`'s gradient is written into values `[i·P, (i + 1)·P)` of the worker's gradient
   * area (P: the gradient's size), a SharedArrayBuffer the main thread reads: sent when it is
   * new or grown, else the worker's last one is used.
   */
  | { type: 'gradients'; chunks: GradientChunk[]; area?: SharedArrayBuffer }
  | { type: 'score'; chunks: ScoreItem[][]; temperature: number }
  | { type: 'memory' }
  | { type: 'weightsHash' }
);

/** A worker's answer: the result, or the error its handler threw. */
export type WorkerReply =
  | { id: number; ok: true; result: unknown /** Milliseconds the handler took. */; ms?: number }
  | { id: number; ok: false; error: { message: string; stack?: string } };
