import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { createImage, encodePng } from '@rl4vlm/env';
import { afterEach, describe, expect, it } from 'vitest';
import { createChatServer, listen, OpenAIPolicy, OpenAIPolicyError } from '../src/index.js';
import { PixelReaderPolicy } from './image-policy.js';

const servers: Server[] = [];
async function serve(
  options: Omit<Parameters<typeof createChatServer>[0], 'policy'> & { policy?: PixelReaderPolicy } = {},
) {
  const policy = options.policy ?? new PixelReaderPolicy();
  const server = createChatServer({ modelName: 'pixel', ...options, policy });
  servers.push(server);
  const { url } = await listen(server);
  return { policy, url };
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const prompt = (red: number, word = 'go') => ({
  text: `USER: <image>\nRead the number. ${word}`,
  images: [createImage(4, 4, [red, 0, 0])],
});

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('rl4vlm chat server + OpenAIPolicy client', () => {
  it('gives over HTTP exactly what the policy gives in process, images included', async () => {
    const { url } = await serve();
    const client = new OpenAIPolicy({ model: 'pixel', baseURL: url });
    const prompts = [prompt(200, 'a'), prompt(20, 'b'), prompt(128, 'c')];
    const remote = await client.generate(prompts, { temperature: 0, maxNewTokens: 100 });
    const local = await new PixelReaderPolicy().generate(prompts, { temperature: 0, maxNewTokens: 100 });
    expect(remote.map((g) => g.text)).toEqual(local.map((g) => g.text));
    expect(remote[0]!.text).toContain('"action": "+"');
    expect(remote[0]!.logProbs).toEqual(local[0]!.logProbs); // the server returns log-probs on request
  });

  it('batches concurrent requests into one generation', async () => {
    const { url, policy } = await serve({ batchWindowMs: 20 });
    const client = new OpenAIPolicy({ model: 'pixel', baseURL: url, concurrency: 16 });
    const prompts = Array.from({ length: 16 }, (_, i) => prompt(i * 16, `w${i}`));
    const replies = await client.generate(prompts, { temperature: 0.2 });
    expect(replies.map((r) => r.text)).toEqual(
      (await new PixelReaderPolicy().generate(prompts, { temperature: 0.2 })).map((r) => r.text),
    );
    expect(policy.calls.reduce((a, b) => a + b, 0)).toBe(16);
    expect(policy.calls.length).toBeLessThan(16);
    expect(Math.max(...policy.calls)).toBeGreaterThan(1);
  });

  it('lists its model', async () => {
    const { url } = await serve();
    const res = await fetch(`${url}/models`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).data.map((m: any) => m.id)).toEqual(['pixel']);
  });

  it('answers a bad request with 400 and a message naming the field', async () => {
    const { url } = await serve();
    const noMessages = await post(url, { model: 'pixel', messages: [] });
    expect(noMessages.status).toBe(400);
    expect(noMessages.body.error.message).toMatch(/messages: must hold at least one message/);
    const badTemp = await post(url, {
      model: 'pixel',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 9,
    });
    expect(badTemp.status).toBe(400);
    expect(badTemp.body.error.message).toMatch(/^temperature:/);
    const notJson = await post(url, '{nope');
    expect(notJson).toMatchObject({
      status: 400,
      body: { error: { message: 'The request body is not valid JSON' } },
    });
    const badImage = await post(url, {
      model: 'pixel',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://x/y.png' } }] }],
    });
    expect(badImage.status).toBe(400);
    expect(badImage.body.error.message).toMatch(/data URL of a PNG/);
    const stream = await post(url, {
      model: 'pixel',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    expect(stream.body.error.message).toMatch(/stream: streaming is not supported/);
    const wrongModel = await post(url, { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect(wrongModel.status).toBe(404);
    expect(wrongModel.body.error.message).toMatch(/serves 'pixel'/);
  });

  it('needs the bearer token when one is set (401), and the client says so without leaking the key', async () => {
    const { url } = await serve({ token: 's3cret-token' });
    expect((await post(url, { model: 'pixel', messages: [{ role: 'user', content: 'hi' }] })).status).toBe(
      401,
    );
    const wrong = new OpenAIPolicy({ model: 'pixel', baseURL: url, apiKey: 'wrong-key-123', maxRetries: 0 });
    const err = await wrong.generate([prompt(1)]).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAIPolicyError);
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/answered 401.*Check the API key/);
    expect(err.message).not.toContain('wrong-key-123');
    const right = new OpenAIPolicy({ model: 'pixel', baseURL: url, apiKey: 's3cret-token' });
    expect((await right.generate([prompt(250)]))[0]!.text).toContain('"+"');
  });

  it('refuses an oversized image and an oversized body with 413', async () => {
    const { url } = await serve({ maxImagePixels: 64 * 64, maxBodyBytes: 200_000 });
    const big = createImage(100, 100, [1, 2, 3]);
    const res = await post(url, {
      model: 'pixel',
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'image_url',
              image_url: { url: `data:image/png;base64,${encodePng(big).toString('base64')}` },
            },
          ],
        },
      ],
    });
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(/100×100 pixels exceeds the limit of 4096/);
    const huge = await post(url, {
      model: 'pixel',
      messages: [{ role: 'user', content: 'x'.repeat(300_000) }],
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error.message).toMatch(/exceeds the limit of 200000 bytes/);
  });

  it('gives a clear client error when the server is down, after retrying', async () => {
    // A real server that always answers 503 counts the attempts; then one that is gone.
    let attempts = 0;
    const flaky = createServer((_req, res) => {
      attempts++;
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'overloaded' } }));
    });
    servers.push(flaky);
    const { url } = await listen(flaky);
    const client = new OpenAIPolicy({ model: 'pixel', baseURL: url, maxRetries: 2, timeoutMs: 2000 });
    const err503 = await client.generate([prompt(1)]).catch((e) => e);
    expect(attempts).toBe(3);
    expect(err503).toBeInstanceOf(OpenAIPolicyError);
    expect(err503.message).toMatch(/answered 503/);

    const gone = createServer();
    const { url: deadUrl } = await listen(gone);
    await new Promise((r) => gone.close(r));
    const down = new OpenAIPolicy({ model: 'pixel', baseURL: deadUrl, maxRetries: 1, timeoutMs: 2000 });
    const err = await down.generate([prompt(1)]).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAIPolicyError);
    expect(err.message).toMatch(
      /Cannot reach the server at http:\/\/127\.0\.0\.1:\d+\/v1 \(after 1 retries\): is it running/,
    );
  });
});
