import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TfjsPolicy } from '../src/index.js';

/** Issue 17 item 6: every load error names the file and what is wrong with it. */
describe('loading a damaged checkpoint names the file and the damage', () => {
  let dir: string;
  const damaged = (name: string, mutate: (bytes: Buffer) => Buffer | string) => {
    const copy = mkdtempSync(path.join(tmpdir(), 'tfjs-damaged-'));
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json'])
      writeFileSync(path.join(copy, f), readFileSync(path.join(dir, f)));
    writeFileSync(path.join(copy, name), mutate(readFileSync(path.join(dir, name))));
    return copy;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tfjs-ckpt-'));
    const policy = await TfjsPolicy.create('tiny');
    await policy.save(dir);
    policy.dispose();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a truncated model.safetensors: header size against file size', async () => {
    const full = readFileSync(path.join(dir, 'model.safetensors')).length;
    const copy = damaged('model.safetensors', (b) => b.subarray(0, 10_000));
    const load = TfjsPolicy.fromDirectory(copy);
    await expect(load).rejects.toThrow(
      `${copy}: model.safetensors cannot be read: truncated: the header says ${full} bytes, the file has 10000`,
    );
  });

  it('a broken config.json or tokenizer.json is named, not a bare JSON parser message', async () => {
    const config = damaged('config.json', (b) => b.subarray(0, 20));
    await expect(TfjsPolicy.fromDirectory(config)).rejects.toThrow(
      new RegExp(`^${config}: config.json is not JSON`),
    );
    const tokenizer = damaged('tokenizer.json', () => '');
    await expect(TfjsPolicy.fromDirectory(tokenizer)).rejects.toThrow(
      `${tokenizer}: tokenizer.json is not an rl4vlm tokenizer`,
    );
  });
});
