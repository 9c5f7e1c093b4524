/** Safetensors data is little-endian; so is every platform Node runs on in practice, but check. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** One tensor in a safetensors file (float32 only). */
export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/**
 * Writes the safetensors format: an 8-byte little-endian header length, a JSON header
 * (`{name: {dtype: 'F32', shape, data_offsets: [begin, end]}, __metadata__}`, padded with spaces
 * to 8 bytes), then the raw little-endian data.
 */
export function encodeSafetensors(
  tensors: readonly NamedTensor[],
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length)
      throw new RangeError(`safetensors: ${t.name} has ${t.data.length} values for shape [${t.shape}]`);
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * size] };
    offset += 4 * size;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors) {
    if (LITTLE_ENDIAN) out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    else for (let i = 0; i < t.data.length; i++) view.setFloat32(at + 4 * i, t.data[i]!, true);
    at += 4 * t.data.length;
  }
  return out;
}

/** Reads a safetensors file of F32 tensors; other dtypes are an error naming the tensor. */
export function decodeSafetensors(bytes: Uint8Array): {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
} {
  if (bytes.length < 8) throw new Error('safetensors: file shorter than its 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length)
    throw new Error(`safetensors: header length ${headerLength} exceeds the file`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw new Error('safetensors: the header is not JSON (is this a safetensors file?)');
  }
  const base = 8 + headerLength;
  // One check for the whole file first: "truncated: the header says N bytes, the file has M".
  const dataEnd = Math.max(
    0,
    ...Object.entries(header)
      .filter(([name]) => name !== '__metadata__')
      .map(([, entry]) => (entry as { data_offsets?: [number, number] }).data_offsets?.[1] ?? 0),
  );
  if (base + dataEnd > bytes.length)
    throw new Error(`truncated: the header says ${base + dataEnd} bytes, the file has ${bytes.length}`);
  const tensors = new Map<string, NamedTensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets } = entry as {
      dtype: string;
      shape: number[];
      data_offsets: [number, number];
    };
    if (dtype !== 'F32') throw new Error(`safetensors: ${name} has dtype ${dtype}; only F32 is supported`);
    const [begin, end] = data_offsets;
    if (base + end > bytes.length)
      throw new Error(
        `safetensors: ${name} ends at byte ${base + end} but the file has ${bytes.length} bytes (truncated?)`,
      );
    let data: Float32Array;
    if (LITTLE_ENDIAN) {
      // A copy into a fresh (aligned) buffer: one memcpy instead of a read per value.
      const start = bytes.byteOffset + base + begin;
      data = new Float32Array(bytes.buffer.slice(start, start + (end - begin)));
    } else {
      data = new Float32Array((end - begin) / 4);
      for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(base + begin + 4 * i, true);
    }
    tensors.set(name, { name, shape, data });
  }
  return { tensors, metadata: (header.__metadata__ as Record<string, string>) ?? {} };
}
