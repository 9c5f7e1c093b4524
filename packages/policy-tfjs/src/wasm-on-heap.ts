import type { WasmBackendLike } from './wasm-kernel-types.js';

/** The parts of the WebAssembly JS API used here (this package's TypeScript libs have no DOM types). */
interface WebAssemblyApi {
  Memory: abstract new (...args: never[]) => object;
  instantiate(
    bytes: Uint8Array,
    imports: object,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/**
 * Instantiates one of this package's modules (`assembly/*.ts`, shipped as base64) on the tfjs wasm
 * backend's own `WebAssembly.Memory`, so it reads and writes tensors where they live. Its
 * exports, or `undefined` where that is impossible (a backend build whose memory is not exposed,
 * or shared memory in the threaded build): the caller keeps the stock kernels then.
 */
export async function instantiateOnHeap(
  backend: WasmBackendLike,
  base64: string,
): Promise<Record<string, unknown> | undefined> {
  const memory = backend.wasm.asm?.memory;
  if (!(memory instanceof webAssembly.Memory)) return undefined;
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  try {
    const { instance } = await webAssembly.instantiate(bytes, { env: { memory } });
    return instance.exports;
  } catch {
    return undefined;
  }
}
