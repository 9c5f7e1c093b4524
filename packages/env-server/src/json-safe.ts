import { isImage } from '@rl4vlm/env';
import { encodeWirePng } from './png-codec.js';

/** An image as it travels inside `info`: a PNG data URL. */
export function pngDataUrl(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}

/**
 * A copy of `value` that survives `JSON.stringify` and reads back the same: images become PNG
 * data URLs, typed arrays plain arrays, non-finite numbers `null`, bigints strings, `Map`s
 * objects, errors their message; functions and `undefined` are dropped; a cycle becomes
 * `"[Circular]"`.
 */
export function toJsonSafe(value: unknown, seen: Set<object> = new Set()): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return undefined;
  if (seen.has(value)) return '[Circular]';
  if (isImage(value)) return pngDataUrl(encodeWirePng(value));
  if (ArrayBuffer.isView(value))
    return Array.from(value as unknown as ArrayLike<number>, (x) => toJsonSafe(x));
  if (value instanceof Error) return value.message;
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((x) => toJsonSafe(x, seen) ?? null);
    const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const safe = toJsonSafe(v, seen);
      if (safe !== undefined) out[String(k)] = safe;
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
