import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GenerateOptions, Prompt, VlmPolicy } from '@rl4vlm/policy';
import { GenerationBatcher } from './batcher.js';
import { type ContentPart, contentToPrompt, type ImageLimits, ImageTooLargeError } from './messages.js';
import { type ChatRequest, chatRequestSchema, describeIssues } from './request-schema.js';

/** Settings of {@link createChatServer}. */
export interface ChatServerOptions {
  /** The policy that answers. */
  policy: VlmPolicy;
  /** The model name `/v1/models` lists and requests must use. Default: the policy's id. */
  modelName?: string;
  /** When set, every request needs `Authorization: Bearer <token>`. */
  token?: string;
  /** Largest request body in bytes (413 above). Default 8 MiB. */
  maxBodyBytes?: number;
  /** Largest image in pixels (413 above), read from the PNG header before decoding. Default 1024×1024. */
  maxImagePixels?: number;
  /** Most pixels of all images in one request (413 above). Default 4 × `maxImagePixels`. */
  maxRequestPixels?: number;
  /** Most image pixels in one batched generation; a fuller batch is split. Default 16 × `maxImagePixels`. */
  maxBatchPixels?: number;
  /** How long to wait for more requests to batch together. Default 5 ms. */
  batchWindowMs?: number;
  /** Most prompts per batched generation. Default 32. */
  maxBatch?: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = status === 401 ? 'authentication_error' : 'invalid_request_error',
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new HttpError(413, `Request body of ${declared} bytes exceeds the limit of ${limit} bytes`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, `Request body exceeds the limit of ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** `Authorization: Bearer <token>`, the scheme matched case-insensitively (RFC 7235 §2.1). */
function hasBearer(header: string | undefined, token: string): boolean {
  const m = /^bearer[ \t]+(.+)$/i.exec(header?.trim() ?? '');
  return m !== null && m[1]!.trim() === token;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

function toPrompt(request: ChatRequest, limits: ImageLimits): Prompt {
  // Every message's content in order; roles other than the user's carry no images in practice.
  const parts: ContentPart[] = [];
  for (const m of request.messages) {
    if (typeof m.content === 'string') parts.push({ type: 'text', text: m.content });
    else parts.push(...(m.content as ContentPart[]));
  }
  try {
    return contentToPrompt(parts, limits);
  } catch (err) {
    if (err instanceof ImageTooLargeError) throw new HttpError(413, `messages: ${err.message}`);
    throw new HttpError(400, `messages: ${(err as Error).message}`);
  }
}

/**
 * An OpenAI-compatible chat-completions server for any {@link VlmPolicy}:
 * `POST /v1/chat/completions` (text and PNG data-URL images) and `GET /v1/models`.
 * Concurrent requests are batched into one generation. Bad input gets a 400 that names the
 * field, a missing or wrong token a 401, an oversized body or image a 413.
 *
 * @example
 * const server = createChatServer({ policy, token: process.env.RL4VLM_TOKEN });
 * const { url } = await listen(server, { port: 8000 }); // http://127.0.0.1:8000/v1
 */
export function createChatServer(options: ChatServerOptions): Server {
  const { policy, token } = options;
  const modelName = options.modelName ?? policy.id;
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const maxImagePixels = options.maxImagePixels ?? 1024 * 1024;
  const limits: ImageLimits = {
    maxImagePixels,
    maxPromptPixels: options.maxRequestPixels ?? 4 * maxImagePixels,
  };
  const batcher = new GenerationBatcher(
    policy,
    options.batchWindowMs ?? 5,
    options.maxBatch ?? 32,
    options.maxBatchPixels ?? 16 * maxImagePixels,
  );
  const created = Math.floor(Date.now() / 1000);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '');
    if (token !== undefined && !hasBearer(req.headers.authorization, token)) {
      throw new HttpError(
        401,
        req.headers.authorization
          ? 'Invalid bearer token'
          : 'Missing bearer token: send Authorization: Bearer <token>',
      );
    }
    if (req.method === 'GET' && path === '/v1/models') {
      send(res, 200, {
        object: 'list',
        data: [{ id: modelName, object: 'model', created, owned_by: 'rl4vlm' }],
      });
      return;
    }
    if (path !== '/v1/chat/completions')
      throw new HttpError(
        404,
        `No route ${req.method} ${path}; try POST /v1/chat/completions or GET /v1/models`,
      );
    if (req.method !== 'POST') throw new HttpError(405, `${path} takes POST`);
    const raw = await readBody(req, maxBodyBytes);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new HttpError(400, 'The request body is not valid JSON');
    }
    const parsed = chatRequestSchema.safeParse(body);
    if (!parsed.success) throw new HttpError(400, describeIssues(parsed.error));
    const request = parsed.data;
    if (request.model !== modelName)
      throw new HttpError(404, `Unknown model '${request.model}'; this server serves '${modelName}'`);
    const prompt = toPrompt(request, limits);
    const maxNewTokens = request.max_completion_tokens ?? request.max_tokens ?? 256;
    const generateOptions: GenerateOptions = {
      temperature: request.temperature ?? 1,
      maxNewTokens,
      ...(request.top_p !== undefined ? { topP: request.top_p } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
      ...(request.stop !== undefined
        ? { stop: typeof request.stop === 'string' ? [request.stop] : request.stop }
        : {}),
    };
    const generation = await batcher.generate(prompt, generateOptions);
    const completionTokens = generation.tokenIds.length;
    send(res, 200, {
      id: `chatcmpl-${randomUUID()}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: modelName,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: generation.text },
          finish_reason: completionTokens >= maxNewTokens ? 'length' : 'stop',
          logprobs: request.logprobs
            ? {
                content: generation.logProbs.map((logprob, i) => ({
                  token: String(generation.tokenIds[i] ?? ''),
                  logprob,
                  bytes: null,
                  top_logprobs: [],
                })),
              }
            : null,
        },
      ],
      usage: {
        prompt_tokens: generation.promptTokenIds?.length ?? 0,
        completion_tokens: completionTokens,
        total_tokens: (generation.promptTokenIds?.length ?? 0) + completionTokens,
      },
    });
  };

  return createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (err instanceof HttpError)
        send(res, err.status, { error: { message: err.message, type: err.type, code: err.status } });
      else
        send(res, 500, {
          error: {
            message: `Generation failed: ${(err as Error)?.message ?? String(err)}`,
            type: 'server_error',
            code: 500,
          },
        });
    });
  });
}

/** Starts listening (on 127.0.0.1 unless told otherwise) and returns the base URL clients use. */
export async function listen(
  server: Server,
  { host = '127.0.0.1', port = 0 }: { host?: string; port?: number } = {},
): Promise<{ url: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/v1`, port: address.port };
}
