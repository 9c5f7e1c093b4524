import { connect as tcpConnect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EnvClient, EnvConnectionError, type EnvServer, EnvServerError } from '../src/index.js';
import { BLACKJACK, serve, WebSocket } from './helpers.js';

const servers: EnvServer[] = [];
async function start(options: Parameters<typeof serve>[0] = {}) {
  const server = await serve(options);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A raw socket that answers each message in order. */
async function raw(url: string) {
  const ws = new WebSocket(url);
  const inbox: any[] = [];
  const waiters: ((m: any) => void)[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString());
    const w = waiters.shift();
    if (w) w(m);
    else inbox.push(m);
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const send = (text: string) =>
    new Promise<any>((resolve) => {
      waiters.push(resolve);
      ws.send(text);
    });
  return { ws, send };
}

async function until(check: () => boolean | Promise<boolean>, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('env server HTTP routes', () => {
  it('answers /health, /metadata and /schema', async () => {
    const server = await start({ envId: BLACKJACK, maxSessions: 3 });
    const health = await (await fetch(`${server.url}/health`)).json();
    expect(health).toMatchObject({ status: 'healthy', active_sessions: 0, max_sessions: 3 });
    const metadata = await (await fetch(`${server.url}/metadata`)).json();
    expect(metadata).toMatchObject({
      name: BLACKJACK,
      env_id: BLACKJACK,
      action_labels: ['stand', 'hit'],
      text: true,
    });
    const schema: any = await (await fetch(`${server.url}/schema`)).json();
    expect(Object.keys(schema).sort()).toEqual(['action', 'observation', 'state']);
    expect(JSON.stringify(schema.action)).toContain('"enum":["stand","hit"]');
    expect(schema.observation.required).toContain('images');
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });
});

describe('env server protocol errors', () => {
  it('answers malformed and out-of-order messages with {"type":"error"} and keeps the session', async () => {
    const server = await start();
    const { ws, send } = await raw(server.wsUrl);
    expect((await send('this is not json')).data.code).toBe('INVALID_JSON');
    expect((await send('{"type":"jump"}')).data).toMatchObject({ code: 'UNKNOWN_TYPE' });
    expect((await send('[1,2]')).data.code).toBe('VALIDATION_ERROR');
    const early = await send('{"type":"step","data":{"action":"+"}}');
    expect(early).toEqual({
      type: 'error',
      data: { code: 'EXECUTION_ERROR', message: expect.stringMatching(/send reset first/) },
    });
    expect((await send('{"type":"reset","data":{"seed":"one"}}')).data.message).toMatch(
      /'seed' must be an integer/,
    );
    const reset = await send('{"type":"reset","data":{"seed":3}}');
    expect(reset.type).toBe('observation');
    expect(reset.data).toMatchObject({ reward: null, done: false });
    expect(reset.data.observation.action_labels).toEqual(['-', '+']);
    expect(reset.data.observation.images[0]).toMatch(/^iVBORw0KGgo/); // base64 of a PNG signature
    const both = await send('{"type":"step","data":{"action":"+","reply":"x"}}');
    expect(both.data).toMatchObject({
      code: 'VALIDATION_ERROR',
      message: expect.stringMatching(/exactly one of/),
    });
    const label = await send('{"type":"step","data":{"action":"jump"}}');
    expect(label.data.message).toMatch(/Unknown action label "jump"; the labels are "-", "\+"/);
    expect((await send('{"type":"step","data":{"action":5}}')).data.message).toMatch(/out of range: 0..1/);
    // The session survived all of that: it still plays, by label, index or reply.
    const byLabel = await send('{"type":"step","data":{"action":"+"}}');
    expect(byLabel.type).toBe('observation');
    expect(byLabel.data.observation.info.parse).toEqual({ ok: true, action: 1 });
    const byReply = await send('{"type":"step","data":{"reply":"{\\"action\\": \\"-\\"}"}}');
    expect(byReply.data.observation.info.parse).toEqual({ ok: true, action: 0 });
    const state = await send('{"type":"state"}');
    expect(state).toMatchObject({
      type: 'state',
      data: { step_count: 2, seed: 3, env_id: 'gym-cards/NumberLine-v0' },
    });
    ws.close();
  });

  it('refuses a step after the episode ended until the next reset', async () => {
    const server = await start({ envId: BLACKJACK });
    const client = await EnvClient.connect(server.wsUrl);
    await client.reset({ seed: 1 });
    const end = await client.step({ action: 'stand' });
    expect(end.done).toBe(true);
    await expect(client.step({ action: 'hit' })).rejects.toThrow(/episode is over: send reset/);
    await expect(client.step({ action: 'hit' })).rejects.toBeInstanceOf(EnvServerError);
    expect((await client.reset({ seed: 2 })).done).toBe(false);
    await client.close();
  });

  it('closes a socket that sends a message over the size limit (1009) and frees its session', async () => {
    const server = await start({ maxMessageBytes: 2048 });
    const { ws } = await raw(server.wsUrl);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(JSON.stringify({ type: 'step', data: { reply: 'x'.repeat(5000) } }));
    expect(await closed).toBe(1009);
    await until(() => server.stats().activeSessions === 0);
  });
});

describe('env server limits', () => {
  it('refuses a session over the limit at once with 503 CAPACITY_REACHED, and admits one when a slot frees', async () => {
    const server = await start({ maxSessions: 2 });
    const a = await EnvClient.connect(server.wsUrl);
    const b = await EnvClient.connect(server.wsUrl);
    const started = Date.now();
    const refused = await EnvClient.connect(server.wsUrl).catch((e) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(refused).toBeInstanceOf(EnvConnectionError);
    expect(refused).toMatchObject({ status: 503, code: 'CAPACITY_REACHED' });
    expect(refused.message).toMatch(/Server is full: 2 of 2 sessions/);
    await a.close();
    await until(() => server.stats().activeSessions === 1);
    const c = await EnvClient.connect(server.wsUrl);
    expect((await c.reset({ seed: 1 })).done).toBe(false);
    await Promise.all([b.close(), c.close()]);
  });

  it('reaps idle sessions, half-open sockets included, and says why to a client still listening', async () => {
    const server = await start({ idleTimeoutS: 0.4 });
    const idle = await EnvClient.connect(server.wsUrl);
    await idle.reset({ seed: 1 });
    // A half-open peer: it completes the handshake, then neither reads nor answers the close.
    const half = tcpConnect(server.port, '127.0.0.1');
    await new Promise((resolve) => half.once('connect', resolve));
    half.write(
      `GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    await until(() => server.stats().activeSessions === 2);
    half.pause();
    await until(() => server.stats().activeSessions === 0 && server.stats().sessionsReaped === 2, 5000);
    const health = await (await fetch(`${server.url}/health`)).json();
    expect(health).toMatchObject({ active_sessions: 0, sessions_reaped: 2 });
    const error = await idle.step({ action: '+' }).catch((e) => e);
    expect(error).toBeInstanceOf(EnvConnectionError);
    expect(error.message).toMatch(/SESSION_ERROR: Session closed: idle for more than 0.4s/);
    half.destroy();
  });
});

describe('env server token', () => {
  it('refuses a missing or wrong token with 401 and never writes the token anywhere', async () => {
    const lines: string[] = [];
    const token = 'sekret-token-4242';
    const server = await start({ token, log: (l) => lines.push(l) });
    for (const given of [undefined, 'wrong-token-9999']) {
      const error = await EnvClient.connect(server.wsUrl, { token: given }).catch((e) => e);
      expect(error).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
      expect(error.message).not.toContain(token);
      expect(error.message).not.toContain('wrong-token-9999');
      const meta = await fetch(`${server.url}/metadata`, {
        headers: given ? { authorization: `Bearer ${given}` } : {},
      });
      expect(meta.status).toBe(401);
      expect(meta.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const ok = await EnvClient.connect(server.wsUrl, { token });
    expect((await ok.reset({ seed: 1 })).done).toBe(false);
    await ok.close();
    const meta = await fetch(`${server.url}/metadata`, { headers: { authorization: `Bearer ${token}` } });
    expect(meta.status).toBe(200);
    expect(lines.some((l) => l.includes('opened'))).toBe(true);
    expect(lines.join('\n')).not.toContain(token);
  });
});
