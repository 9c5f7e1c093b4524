import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import {
  type BackendCandidate,
  type BackendName,
  chooseBackend,
  type InitBackendOptions,
} from './backend-choice.js';
import { activateWasm } from './wasm-backend.js';

export type { BackendCandidate, BackendName, InitBackendOptions } from './backend-choice.js';

/** The backends this package can run on in Node, in the order they are tried (`backend.browser.ts` has the browser's). */
export const BACKEND_ORDER = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;

const requireHere = createRequire(import.meta.url);

/** Loads a native TensorFlow binding if it is installed beside this package or in the app (cwd). */
async function loadNative(moduleName: string, needGpu: boolean): Promise<boolean> {
  let resolved: string | undefined;
  for (const from of [requireHere, createRequire(path.join(process.cwd(), 'noop.js'))]) {
    try {
      resolved = from.resolve(moduleName);
      break;
    } catch {
      // not installed there
    }
  }
  if (!resolved) return false;
  await import(resolved);
  // The binding registers the 'tensorflow' backend into the tfjs-core it was built against;
  // when that is another copy of tfjs-core, our engine does not see it.
  if (!tf.findBackendFactory('tensorflow')) return false;
  if (needGpu) {
    const ok = await tf.setBackend('tensorflow');
    const gpus = (tf.backend() as unknown as { isUsingGpuDevice?: boolean }).isUsingGpuDevice;
    return ok && gpus !== false;
  }
  return tf.setBackend('tensorflow');
}

async function loadWasm(wasmPaths?: string | Record<string, string>): Promise<boolean> {
  const wasmEntry = requireHere.resolve('@tensorflow/tfjs-backend-wasm');
  // Node cannot fetch the .wasm binaries by URL: point the loader at the package's dist folder.
  setWasmPaths(wasmPaths ?? `${path.dirname(wasmEntry)}${path.sep}`);
  return activateWasm({
    gemm: process.env.RL4VLM_WASM_GEMM !== '0',
    fusedDecode: process.env.RL4VLM_FUSED_DECODE !== '0',
  });
}

/** The real candidates, in {@link BACKEND_ORDER}. */
export function defaultBackendCandidates({
  wasmPaths,
}: Pick<InitBackendOptions, 'wasmPaths'> = {}): BackendCandidate[] {
  return [
    { name: 'tensorflow-gpu', load: () => loadNative('@tensorflow/tfjs-node-gpu', true) },
    { name: 'tensorflow', load: () => loadNative('@tensorflow/tfjs-node', false) },
    { name: 'wasm', load: () => loadWasm(wasmPaths) },
    { name: 'cpu', load: () => tf.setBackend('cpu') },
  ];
}

let chosen: Promise<BackendName> | undefined;

/**
 * Picks and activates the tensor backend once per process: `tensorflow-gpu`
 * (`@tensorflow/tfjs-node-gpu`, when installed and a GPU exists), `tensorflow`
 * (`@tensorflow/tfjs-node`), `wasm`, then `cpu`. `RL4VLM_TF_BACKEND` forces one.
 * Later calls return the first call's choice.
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendName> {
  chosen ??= selectBackend(options);
  return chosen;
}

/** Like {@link initBackend} but runs the selection every time (no caching). */
export function selectBackend({
  force = process.env.RL4VLM_TF_BACKEND,
  log = (m) => console.info(m),
  candidates,
  wasmPaths,
}: InitBackendOptions = {}): Promise<BackendName> {
  return chooseBackend({
    force,
    log,
    candidates: candidates ?? defaultBackendCandidates({ wasmPaths }),
    forcedBy: 'RL4VLM_TF_BACKEND',
  });
}

/** Activates `name` (`wasm` or `cpu`) directly, e.g. to run a check on both; installs the wasm fixes. */
export async function useBackend(name: 'wasm' | 'cpu'): Promise<void> {
  const ok = name === 'wasm' ? await loadWasm() : await tf.setBackend('cpu');
  if (!ok) throw new Error(`Backend '${name}' could not be activated`);
}
