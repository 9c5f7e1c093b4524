import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ResetResult, StepResult } from '../env.js';
import type { Image } from '../image.js';
import { VectorEnv } from './vector-env.js';

/**
 * Where a worker finds its env. The module is imported inside the worker (a package name,
 * an absolute path or a file URL), then either:
 * - `id` is looked up in the module's default-exported plugin manifest (with its
 *   `maxEpisodeSteps` and default kwargs), or
 * - `exportName` names a factory function `(kwargs) => Env` exported by the module.
 */
export interface WorkerEnvSource {
  module: string;
  id?: string;
  exportName?: string;
  kwargs?: Record<string, unknown>;
}

// The worker is plain JavaScript (eval'd) so it runs the same from source and from dist.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let env, limit, elapsed = 0;
async function load() {
  const mod = await import(workerData.module);
  if (workerData.id) {
    const manifest = mod.default && mod.default.envs ? mod.default : mod;
    const spec = (manifest.envs || []).find((e) => e.id === workerData.id);
    if (!spec) throw new Error("Env '" + workerData.id + "' is not in the manifest of " + workerData.module + "; it lists: " + (manifest.envs || []).map((e) => e.id).join(', '));
    let kwargs = Object.assign({}, spec.kwargs || {}, workerData.kwargs || {});
    if (spec.kwargsSchema) kwargs = spec.kwargsSchema.parse(kwargs);
    limit = spec.maxEpisodeSteps;
    return spec.factory(kwargs);
  }
  const factory = mod[workerData.exportName || 'default'];
  if (typeof factory !== 'function') throw new Error(workerData.module + " does not export a factory function '" + (workerData.exportName || 'default') + "'");
  return factory(workerData.kwargs || {});
}
const ready = load().then((e) => { env = e; });
parentPort.on('message', async ({ id, cmd, arg }) => {
  try {
    await ready;
    let value;
    if (cmd === 'reset') { elapsed = 0; value = await env.reset(arg); }
    else if (cmd === 'step') {
      value = await env.step(arg);
      elapsed += 1;
      if (limit !== undefined && elapsed >= limit && !value.terminated) value = Object.assign({}, value, { truncated: true });
    }
    else if (cmd === 'render') value = await env.render();
    else if (cmd === 'close') { await env.close(); }
    parentPort.postMessage({ id, value });
  } catch (err) {
    parentPort.postMessage({ id, error: (err && err.stack) || String(err) });
  }
});
`;

interface Pending {
  resolve: (v: any) => void;
  reject: (e: Error) => void;
}

/** Runs each env in its own worker thread, so envs render in parallel with the learner. */
export class AsyncVectorEnv<Obs, Act> extends VectorEnv<Obs, Act> {
  readonly numEnvs: number;
  private readonly workers: Worker[];
  private readonly calls = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;

  constructor(sources: readonly WorkerEnvSource[]) {
    super();
    if (sources.length === 0) throw new RangeError('AsyncVectorEnv needs at least one env source');
    this.numEnvs = sources.length;
    this.workers = sources.map((source, i) => {
      const module =
        /^[./]/.test(source.module) && !source.module.startsWith('file:')
          ? pathToFileURL(source.module).href
          : source.module;
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ...source, module } });
      worker.on('message', ({ id, value, error }) => {
        const p = this.calls.get(id);
        if (!p) return;
        this.calls.delete(id);
        if (error) p.reject(new Error(`AsyncVectorEnv env ${i} (${source.id ?? source.module}): ${error}`));
        else p.resolve(value);
      });
      worker.on('error', (err) =>
        this.failAll(new Error(`AsyncVectorEnv worker ${i} crashed: ${err.message}`)),
      );
      return worker;
    });
  }

  private failAll(err: Error) {
    for (const p of this.calls.values()) p.reject(err);
    this.calls.clear();
  }

  private call<T>(i: number, cmd: string, arg?: unknown): Promise<T> {
    if (this.closed) return Promise.reject(new Error('AsyncVectorEnv is closed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      this.workers[i]!.postMessage({ id, cmd, arg });
    });
  }

  protected resetOne(
    i: number,
    options: { seed?: number; options?: Record<string, unknown> },
  ): Promise<ResetResult<Obs>> {
    return this.call(i, 'reset', options);
  }

  protected stepOne(i: number, action: Act): Promise<StepResult<Obs>> {
    return this.call(i, 'step', action);
  }

  protected renderOne(i: number): Promise<Image> {
    return this.call(i, 'render');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.allSettled(this.workers.map((_, i) => this.call(i, 'close')));
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
