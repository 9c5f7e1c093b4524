import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findWebApp, startWeb, webTarget } from '../../src/commands/web.js';

/** A built app stand-in and a checkpoint folder with the three files (and one that must not be served). */
function fixture() {
  const root = mkdtempSync(path.join(tmpdir(), 'rl4vlm-web-cmd-'));
  const app = path.join(root, 'app');
  mkdirSync(path.join(app, 'assets'), { recursive: true });
  writeFileSync(path.join(app, 'index.html'), '<!doctype html><title>playground</title>');
  writeFileSync(path.join(app, 'assets', 'a.wasm'), Buffer.from([0, 97, 115, 109]));
  const checkpoint = path.join(root, 'ckpt');
  mkdirSync(checkpoint);
  for (const name of ['config.json', 'model.safetensors', 'tokenizer.json', 'optimizer.bin'])
    writeFileSync(path.join(checkpoint, name), name);
  writeFileSync(path.join(root, 'secret.txt'), 'secret');
  return { root, app, checkpoint };
}

describe('rl4vlm web', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });

  it('serves the built app and only the checkpoint files, on loopback, with the checkpoint in the URL', async () => {
    const { app, checkpoint } = fixture();
    const printed: string[] = [];
    const { url, close } = await startWeb(checkpoint, { port: 0, app, open: false, runsDir: 'runs' }, (s) =>
      printed.push(s),
    );
    closers.push(close);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?checkpoint=checkpoint%2F&player=model$/);
    expect(printed.join('\n')).toContain(`checkpoint: ${checkpoint}`);
    const get = (p: string) => fetch(new URL(p, url));
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect((await get('/assets/a.wasm')).headers.get('content-type')).toBe('application/wasm');
    expect(await (await get('/checkpoint/model.safetensors')).text()).toBe('model.safetensors');
    expect((await get('/checkpoint/optimizer.bin')).status).toBe(404);
    expect((await get('/..%2fsecret.txt')).status).toBe(403);
    expect((await get('/missing.js')).status).toBe(404);
  });

  it('names a port in use and how to pick another', async () => {
    const { app } = fixture();
    const first = await startWeb(undefined, { port: 0, app, open: false, runsDir: 'runs' }, () => {});
    closers.push(first.close);
    const port = Number(new URL(first.url).port);
    await expect(startWeb(undefined, { port, app, open: false, runsDir: 'runs' }, () => {})).rejects.toThrow(
      `Port ${port} on 127.0.0.1 is in use: pass --port <n> (0 picks a free one)`,
    );
  });

  it('says how to build the app when it is missing, and what a target must be', () => {
    const { root } = fixture();
    expect(() => findWebApp(path.join(root, 'nowhere'))).toThrow(/not built .*pnpm --filter web build/);
    expect(() => webTarget(path.join(root, 'app'), 'runs')).toThrow(
      /No run .* looked for rl4vlm\.config\.json/,
    );
  });
});
