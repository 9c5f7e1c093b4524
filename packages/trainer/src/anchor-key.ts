import { createHash, type Hash } from 'node:crypto';

function feed(hash: Hash, value: unknown): void {
  if (value === null || value === undefined) {
    hash.update(`~${value}`);
  } else if (typeof value === 'string') {
    hash.update(`s${value.length}:`);
    hash.update(value);
  } else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    hash.update(`${(typeof value)[0]}${String(value)};`);
  } else if (ArrayBuffer.isView(value)) {
    hash.update(`b${value.byteLength}:`);
    hash.update(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  } else if (Array.isArray(value)) {
    hash.update(`a${value.length}[`);
    for (const v of value) feed(hash, v);
    hash.update(']');
  } else if (typeof value === 'object') {
    const keys = Object.keys(value).sort();
    hash.update(`o${keys.length}{`);
    for (const k of keys) {
      feed(hash, k);
      feed(hash, (value as Record<string, unknown>)[k]);
    }
    hash.update('}');
  } else {
    hash.update(`?${String(value)}`);
  }
}

/**
 * The identity of a raw observation, for GiGPO's anchor-state groups: equal keys mean exactly
 * the same observation — the same pixels for an image (`{width, height, data}`), the same text
 * for a text env. Objects are read key by key in sorted order, typed arrays byte by byte.
 */
export function anchorKey(observation: unknown): string {
  const hash = createHash('sha256');
  feed(hash, observation);
  return hash.digest('base64url').slice(0, 22);
}
