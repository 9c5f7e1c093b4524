import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Redis } from 'ioredis';
import { z } from 'zod';

/**
 * Where one published policy version lives: in Redis (small models), in a file on a filesystem
 * every worker mounts, or at a URL (large models, served by anything that serves files). The
 * sha256 is checked by every worker before it plays with the weights.
 */
export const weightsRefSchema = z.object({
  version: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  location: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('redis'), key: z.string().min(1) }),
    z.object({ kind: z.literal('file'), path: z.string().min(1) }),
    z.object({ kind: z.literal('url'), url: z.string().url() }),
  ]),
});
export type WeightsRef = z.infer<typeof weightsRefSchema>;

/** The variables weights are read from and written to (a `TfTrainablePolicy`'s trainable ones). */
export interface HasTrainableVariables {
  trainableVariables(): tf.Variable[];
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const nameOf = (i: number) => `v${String(i).padStart(4, '0')}`;

/**
 * The policy's trainable variables as one safetensors blob (F32, named `v0000`, `v0001`, … in
 * `trainableVariables()` order): what a learner publishes and a worker loads.
 */
export function encodeWeights(policy: HasTrainableVariables): Uint8Array {
  const vars = policy.trainableVariables();
  const header: Record<string, unknown> = { __metadata__: { format: 'rl4vlm.trainable/v1' } };
  let offset = 0;
  const datas = vars.map((v, i) => {
    if (v.dtype !== 'float32')
      throw new Error(`weights: variable ${i} (${v.name}) is ${v.dtype}; only float32`);
    const data = v.dataSync() as Float32Array;
    header[nameOf(i)] = { dtype: 'F32', shape: v.shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
    return data;
  });
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // keep the data 8-byte aligned
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const d of datas) {
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at);
    at += d.byteLength;
  }
  return out;
}

/**
 * Assigns a blob from {@link encodeWeights} to the policy's trainable variables. A blob for
 * another architecture (count or shapes differ) is an error naming the first difference.
 */
export function applyWeights(policy: HasTrainableVariables, blob: Uint8Array): void {
  const vars = policy.trainableVariables();
  if (blob.length < 8) throw new Error('weights blob is shorter than its 8-byte header length');
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > blob.length)
    throw new Error(`weights blob header length ${headerLength} exceeds the blob`);
  const header = JSON.parse(new TextDecoder().decode(blob.subarray(8, 8 + headerLength))) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  if (names.length !== vars.length)
    throw new Error(
      `weights blob has ${names.length} tensors, the worker's policy has ${vars.length} trainable variables: is it the same policy (id and options) as the learner's?`,
    );
  const base = 8 + headerLength;
  const tensors = vars.map((v, i) => {
    const t = header[nameOf(i)];
    if (t?.dtype !== 'F32') throw new Error(`weights blob: tensor ${nameOf(i)} is missing or not F32`);
    if (t.shape.join(',') !== v.shape.join(','))
      throw new Error(
        `weights blob: tensor ${nameOf(i)} has shape [${t.shape}], the worker's variable ${i} has [${v.shape}]`,
      );
    const [from, to] = t.data_offsets;
    const bytes = blob.slice(base + from, base + to); // a copy: aligned, and owned by the tensor
    return tf.tensor(new Float32Array(bytes.buffer, bytes.byteOffset, (to - from) / 4), t.shape, 'float32');
  });
  vars.forEach((v, i) => {
    v.assign(tensors[i]!);
    tensors[i]!.dispose();
  });
}

/** Where a learner publishes weights. */
export type WeightsStore =
  | { kind: 'redis'; ttlSeconds?: number }
  | { kind: 'file'; dir: string }
  /** Written under `dir`, fetched by workers from `baseUrl` + file name (anything that serves `dir`). */
  | { kind: 'url'; dir: string; baseUrl: string };

/** Publishes `blob` as policy version `version` of run `runId`; returns the reference jobs carry. */
export async function publishWeights(
  redis: Redis,
  store: WeightsStore,
  runId: string,
  version: number,
  blob: Uint8Array,
): Promise<WeightsRef> {
  const digest = sha256(blob);
  const file = `${runId}-v${version}-${digest.slice(0, 12)}.safetensors`;
  let location: WeightsRef['location'];
  if (store.kind === 'redis') {
    const key = `rl4vlm:weights:${runId}:${version}:${digest}`;
    await redis.set(
      key,
      Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength),
      'EX',
      store.ttlSeconds ?? 86_400,
    );
    location = { kind: 'redis', key };
  } else {
    mkdirSync(store.dir, { recursive: true });
    const path = join(store.dir, file);
    writeFileSync(`${path}.tmp`, blob);
    renameSync(`${path}.tmp`, path); // a worker never reads a half-written file
    location =
      store.kind === 'file'
        ? { kind: 'file', path }
        : {
            kind: 'url',
            url: new URL(file, store.baseUrl.endsWith('/') ? store.baseUrl : `${store.baseUrl}/`).toString(),
          };
  }
  return { version, sha256: digest, bytes: blob.length, location };
}

/** True when the published blob is still where `ref` says (Redis may have restarted since). */
export async function weightsPresent(redis: Redis, ref: WeightsRef): Promise<boolean> {
  return ref.location.kind !== 'redis' || (await redis.exists(ref.location.key)) === 1;
}

/**
 * Fetches published weights and checks their hash, keeping the last few versions so that the
 * jobs of one update load them once per worker.
 */
export class WeightsCache {
  private readonly entries = new Map<string, Uint8Array>();
  constructor(private readonly keep = 2) {}

  async get(redis: Redis, ref: WeightsRef): Promise<Uint8Array> {
    const hit = this.entries.get(ref.sha256);
    if (hit) return hit;
    const blob = await fetchBlob(redis, ref);
    const got = sha256(blob);
    if (got !== ref.sha256)
      throw new Error(
        `weights v${ref.version} from ${describe(ref)}: sha256 ${got} does not match the published ${ref.sha256}`,
      );
    this.entries.set(ref.sha256, blob);
    while (this.entries.size > this.keep) this.entries.delete(this.entries.keys().next().value!);
    return blob;
  }
}

function describe(ref: WeightsRef): string {
  const l = ref.location;
  return l.kind === 'redis' ? `Redis key ${l.key}` : l.kind === 'file' ? l.path : l.url;
}

async function fetchBlob(redis: Redis, ref: WeightsRef): Promise<Uint8Array> {
  const l = ref.location;
  if (l.kind === 'redis') {
    const buf = await redis.getBuffer(l.key);
    if (!buf)
      throw new Error(`weights v${ref.version}: Redis key ${l.key} is missing (expired, or Redis restarted)`);
    return new Uint8Array(buf);
  }
  if (l.kind === 'file') return new Uint8Array(readFileSync(l.path));
  const res = await fetch(l.url);
  if (!res.ok) throw new Error(`weights v${ref.version}: GET ${l.url} answered ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}
