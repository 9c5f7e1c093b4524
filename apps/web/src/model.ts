import type { Prompt } from '@rl4vlm/env';
import { type BackendName, type CheckpointFiles, initBackend, TfjsPolicy } from '@rl4vlm/policy-tfjs';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** The backends the page offers; `auto` lets policy-tfjs pick (WebGPU, WebGL, wasm, cpu). */
export const BACKEND_CHOICES = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** Selects the tensor backend once per page (a different choice reloads the page). */
export function startBackend(choice: BackendChoice): Promise<BackendName> {
  return initBackend({
    force: choice === 'auto' ? undefined : choice,
    // The bundler serves the .wasm files beside the page's script.
    wasmPaths: {
      'tfjs-backend-wasm.wasm': wasmPlain,
      'tfjs-backend-wasm-simd.wasm': wasmSimd,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
    },
  });
}

/** Loads a checkpoint's files into a policy; errors name the file and the problem. */
export async function loadPolicy(
  files: CheckpointFiles,
  source: string,
  backend: BackendChoice,
): Promise<TfjsPolicy> {
  await startBackend(backend);
  return TfjsPolicy.fromFiles(files, { id: `tfjs:${source}`, source });
}

/** How the model writes: greedy (temperature 0) or sampled at a temperature. */
export interface Decoding {
  temperature: number;
  maxNewTokens: number;
}

/**
 * The model's reply to a prompt. The sampling seed is the episode's seed and the step, so a
 * replay of the same seed and settings gives the same replies (and greedy ignores it).
 */
export async function modelReply(
  policy: TfjsPolicy,
  prompt: Prompt,
  { temperature, maxNewTokens }: Decoding,
  seed: number,
  step: number,
): Promise<string> {
  const [generation] = await policy.generate([prompt], {
    temperature,
    maxNewTokens,
    seed: seed * 1000 + step,
  });
  return generation!.text;
}
