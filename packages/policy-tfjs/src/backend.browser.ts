import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import {
  type BackendCandidate,
  type BackendName,
  chooseBackend,
  type InitBackendOptions,
} from './backend-choice.js';
import { activateWasm } from './wasm-backend.js';

/**
 * The browser twin of `backend.ts`: WebGPU, then WebGL, then WebAssembly, then plain JavaScript.
 * No native bindings and no `process.env`; a page forces a backend with `initBackend({ force })`.
 */
export type { BackendCandidate, BackendName, InitBackendOptions } from './backend-choice.js';

export const BACKEND_ORDER = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;

async function loadWasm(wasmPaths?: string | Record<string, string>): Promise<boolean> {
  if (wasmPaths) setWasmPaths(wasmPaths);
  return activateWasm();
}

/** WebGPU needs `navigator.gpu` and an adapter; tfjs would otherwise log an error and fail. */
async function loadWebgpu(): Promise<boolean> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
  if (!gpu || !(await gpu.requestAdapter().catch(() => null))) return false;
  return tf.setBackend('webgpu');
}

/**
 * The WebGL renderer's name when it is a software rasterizer (SwiftShader, llvmpipe): there
 * WebGL compiles shaders for tens of seconds and then runs slower than wasm.
 */
function softwareWebgl(): string | undefined {
  const Canvas = (
    globalThis as { OffscreenCanvas?: new (w: number, h: number) => { getContext(type: string): unknown } }
  ).OffscreenCanvas;
  const gl = Canvas ? (new Canvas(1, 1).getContext('webgl2') as WebGlLike | null) : null;
  if (!gl) return undefined;
  const info = gl.getExtension('WEBGL_debug_renderer_info') as { UNMASKED_RENDERER_WEBGL: number } | null;
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
  return /swiftshader|llvmpipe|software/i.test(renderer) ? renderer : undefined;
}
interface WebGlLike {
  RENDERER: number;
  getExtension(name: string): unknown;
  getParameter(name: number): unknown;
}

async function loadWebgl(allowSoftware: boolean): Promise<boolean> {
  if (!allowSoftware && softwareWebgl()) return false;
  return tf.setBackend('webgl');
}

/**
 * The browser's candidates. Unless `allowSoftwareWebgl` (a forced `webgl`), WebGL on a
 * software rasterizer is skipped for wasm, which is faster there and computes as Node does.
 */
export function defaultBackendCandidates({
  wasmPaths,
  allowSoftwareWebgl = false,
}: Pick<InitBackendOptions, 'wasmPaths'> & { allowSoftwareWebgl?: boolean } = {}): BackendCandidate[] {
  return [
    { name: 'webgpu', load: loadWebgpu },
    { name: 'webgl', load: () => loadWebgl(allowSoftwareWebgl) },
    { name: 'wasm', load: () => loadWasm(wasmPaths) },
    { name: 'cpu', load: () => tf.setBackend('cpu') },
  ];
}

let chosen: Promise<BackendName> | undefined;

export function initBackend(options: InitBackendOptions = {}): Promise<BackendName> {
  chosen ??= selectBackend(options);
  return chosen;
}

export function selectBackend({
  force,
  log = (m) => console.info(m),
  candidates,
  wasmPaths,
}: InitBackendOptions = {}): Promise<BackendName> {
  return chooseBackend({
    force,
    log,
    candidates: candidates ?? defaultBackendCandidates({ wasmPaths, allowSoftwareWebgl: Boolean(force) }),
    forcedBy: 'backend',
  });
}

export async function useBackend(name: 'wasm' | 'cpu'): Promise<void> {
  const ok = name === 'wasm' ? await loadWasm() : await tf.setBackend('cpu');
  if (!ok) throw new Error(`Backend '${name}' could not be activated`);
}
