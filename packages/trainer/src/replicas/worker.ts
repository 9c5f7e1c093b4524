/**
 * The worker-thread side of {@link WorkerPool}: one policy replica (worker 1 … N − 1; the main
 * thread's policy is worker 0) with its own TensorFlow.js engine. It builds the policy from the plugin modules it is told, loads the main thread's
 * weights, then answers requests one at a time (see `protocol.ts`).
 */
import { createHash } from 'node:crypto';
import { getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { PolicyRegistry } from '@rl4vlm/policy';
import * as tf from '@tensorflow/tfjs-core';
import { Adam } from '../adam.js';
import { type Algorithm, validateAlgorithmManifest } from '../algorithm.js';
import { builtinAlgorithms } from '../algorithms/index.js';
import { lossFor } from '../rl-loop.js';
import { scoreNoGrad, type TfTrainablePolicy } from '../scoring.js';
import { computeChunkGradients, gradientSize, type RlLoss, type RlLossSpec } from './chunk-gradients.js';
import type { ReplicaSetup, WorkerReply, WorkerRequest } from './protocol.js';

if (!parentPort) throw new Error('replicas/worker.js is a worker-thread module; the WorkerPool starts it');
const port = parentPort;
let policy: TfTrainablePolicy | undefined;
let rlLoss: RlLoss | undefined;
/** The replica's copy of the run's optimizer: it takes the same steps as the main thread's. */
let adam: Adam | undefined;
/** Where this worker writes chunk gradients; the main thread reads them there (no copy, no transfer). */
let gradientArea: SharedArrayBuffer | undefined;

/** The manifest a plugin module exports (default, CommonJS-wrapped default, or a named one). */
function manifestOf(mod: Record<string, unknown>): unknown {
  let value = mod.default as Record<string, unknown> | undefined;
  if (value && typeof value === 'object' && 'default' in value && !('specificationVersion' in value))
    value = value.default as Record<string, unknown>;
  if (value) return value;
  return Object.values(mod).find((v) => v && typeof v === 'object' && 'specificationVersion' in v);
}

async function init(setup: ReplicaSetup): Promise<string> {
  const registry = new PolicyRegistry();
  for (const ref of setup.policyModules) {
    const mod = (await import(ref)) as Record<string, unknown>;
    registry.registerManifest(manifestOf(mod), { source: ref });
  }
  // The backend choice is logged once by the main thread; replicas stay quiet.
  const info = console.info;
  console.info = () => {};
  try {
    policy = (await registry.create(setup.policyId, setup.policyOptions)) as TfTrainablePolicy;
  } finally {
    console.info = info;
  }
  if (!policy.importWeights)
    throw new Error(`Policy '${setup.policyId}' has no importWeights(): it cannot run on worker threads`);
  policy.importWeights(setup.weights);
  return tf.getBackend();
}

/** The run's algorithm: a built-in, or the one with that id in the plugin modules named. */
async function findAlgorithm(spec: RlLossSpec): Promise<Algorithm> {
  if (spec.modules.length === 0) {
    const builtin = builtinAlgorithms.algorithms.find((a) => a.id === spec.algorithm);
    if (builtin) return builtin;
    throw new Error(
      `Algorithm '${spec.algorithm}' is not built in and no plugin module was named for it (algorithmModules)`,
    );
  }
  for (const ref of spec.modules) {
    const manifest = validateAlgorithmManifest(
      manifestOf((await import(ref)) as Record<string, unknown>),
      ref,
    );
    const found = manifest.algorithms.find((a) => a.id === spec.algorithm);
    if (found) return found;
  }
  throw new Error(`Algorithm '${spec.algorithm}' is in none of ${spec.modules.join(', ')}`);
}

async function setRlLoss(spec: RlLossSpec): Promise<void> {
  const algorithm = await findAlgorithm(spec);
  rlLoss = {
    loss: lossFor(algorithm, spec.settings, spec.rl),
    thoughtCoef: spec.rl.thoughtCoef,
    scoreTemperature: spec.scoreTemperature,
  };
}

function need(): TfTrainablePolicy {
  if (!policy) throw new Error('the replica was not initialised');
  return policy;
}

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.type) {
    case 'init':
      return init(request.setup);
    case 'weights':
      need().importWeights!(request.bytes);
      return undefined;
    case 'optimizer':
      adam?.dispose();
      adam = new Adam(need().trainableVariables(), request.settings, request.learningRateScales);
      adam.setState(request.state);
      return undefined;
    case 'step': {
      if (!adam) throw new Error('an optimizer step came before the optimizer (startOptimizer)');
      const optimizer = adam;
      tf.tidy(() => optimizer.applyFlat(tf.tensor1d(request.gradients), request.learningRate));
      return undefined;
    }
    case 'generate':
      return need().generate(request.prompts, request.options);
    case 'rlLoss':
      return setRlLoss(request.spec);
    case 'gradients': {
      if (request.area) gradientArea = request.area;
      const size = gradientSize(need());
      if (!gradientArea || gradientArea.byteLength < request.chunks.length * size * 4)
        throw new Error(`the gradient area does not hold ${request.chunks.length} chunks`);
      const area = gradientArea;
      return request.chunks.map((c, i) =>
        computeChunkGradients(need(), c, rlLoss, new Float32Array(area, i * size * 4, size)),
      );
    }
    case 'score':
      return request.chunks.map((items) =>
        scoreNoGrad(need(), items, { temperature: request.temperature, batchSize: items.length }),
      );
    case 'weightsHash':
      return createHash('sha256').update(need().exportWeights!()).digest('hex');
    case 'memory':
      return { heapUsedBytes: getHeapStatistics().used_heap_size, tensorBytes: tf.memory().numBytes };
  }
}

// Requests are answered strictly in order: the next waits until the previous finished.
let queue: Promise<void> = Promise.resolve();
port.on('message', (request: WorkerRequest) => {
  queue = queue.then(async () => {
    let reply: WorkerReply;
    const started = performance.now();
    try {
      reply = { id: request.id, ok: true, result: await handle(request), ms: performance.now() - started };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      reply = { id: request.id, ok: false, error: { message: err.message, stack: err.stack } };
    }
    port.postMessage(reply);
  });
});
