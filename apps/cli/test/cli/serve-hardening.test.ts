import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { spawnCli } from '../helpers/spawn-cli.js';

/** Issue 17 items 10 and 11, against the real `rl4vlm serve` in a child process. */

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes: Buffer) => {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type: string, data: Buffer) => {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
};

/** A small PNG that declares width×height RGB pixels; its image data holds the first `rows` rows (zeros). */
function pngDeclaring(width: number, height: number, rows: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const idat = deflateSync(Buffer.alloc(rows * (1 + 3 * width)), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Peak resident memory of a Linux process in MB (VmHWM), or undefined elsewhere. */
function peakRssMb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const chat = (url: string, images: string[], headers: Record<string, string> = {}) =>
  fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({
      model: 'tiny',
      max_tokens: 4,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            ...images.map((b64) => ({
              type: 'image_url',
              image_url: { url: `data:image/png;base64,${b64}` },
            })),
          ],
        },
      ],
    }),
  });

describe('serve: image bombs, garbage images, auth scheme, port', () => {
  it('a PNG declaring 12000×12000 pixels is refused from its header, fast and without the memory a decode takes', async () => {
    const server = spawnCli([
      'serve',
      'tfjs:tiny',
      '--port',
      '0',
      '--token',
      'Tok3n',
      '--model-name',
      'tiny',
    ]);
    try {
      await server.waitFor(/try: .*\n/);
      const url = /at (http:\/\/\S+\/v1)/.exec(server.stdout())![1]!;
      // The hint works as pasted: the env is named and the key is passed.
      expect(server.stdout()).toMatch(
        /try: OPENAI_API_KEY=Tok3n rl4vlm eval --env \S+ --policy openai:tiny --set policy\.options\.baseURL=http/,
      );
      const auth = { authorization: 'bearer Tok3n' }; // the scheme is case-insensitive (RFC 7235)
      const models = await fetch(`${url}/models`, { headers: auth });
      expect(models.status).toBe(200);

      const bomb = pngDeclaring(12000, 12000, 400);
      expect(bomb.length).toBeLessThan(200_000);
      const before = peakRssMb(server.child.pid!);
      const started = performance.now();
      const res = await chat(url, [bomb.toString('base64')], auth);
      const seconds = (performance.now() - started) / 1000;
      expect(res.status).toBe(413);
      expect((await res.json()).error.message).toMatch(
        /image 1 of 12000×12000 pixels exceeds the limit of 1048576 pixels per image/,
      );
      expect(seconds).toBeLessThan(3); // the decode took 5 s on its own
      const after = peakRssMb(server.child.pid!);
      // Decoding it peaked at 1.34 GB; refusing it from the header costs next to nothing.
      if (before !== undefined && after !== undefined) expect(after - before).toBeLessThan(64);

      // Under the per-image limit, but five of them cross the per-request limit (4 × 1 MP).
      const ok = pngDeclaring(1000, 1000, 1).toString('base64');
      const many = await chat(url, [ok, ok, ok, ok, ok], auth);
      expect(many.status).toBe(413);
      expect((await many.json()).error.message).toMatch(/up to image 5 have 5000000 pixels together/);

      const garbage = await chat(url, [Buffer.from('not a png at all').toString('base64')], auth);
      expect(garbage.status).toBe(400);
      expect((await garbage.json()).error.message).toMatch(/image 1 is not a valid PNG/);
      const cut = await chat(url, [pngDeclaring(8, 8, 8).subarray(0, 40).toString('base64')], auth);
      expect(cut.status).toBe(400);
      expect((await cut.json()).error.message).toMatch(
        /image 1 is not a valid PNG \(its image data is cut off or corrupt\)/,
      );
    } finally {
      server.child.kill('SIGTERM');
      await server.done;
    }
  }, 120_000);

  it('an out-of-range --port is refused before the model loads', async () => {
    const started = performance.now();
    const result = await runCli(['serve', 'tfjs:tiny', '--port', '70000']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--port 70000 is not a port: use 0–65535/);
    expect(result.stderr).not.toMatch(/ERR_SOCKET_BAD_PORT/);
    expect(performance.now() - started).toBeLessThan(30_000);
  });
});
