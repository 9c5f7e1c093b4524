import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  registry as defaultRegistry,
  type EnvRegistry,
  type InvalidReplyPolicy,
  TextEnv,
  type TextOptions,
} from '@rl4vlm/env';
import { type WebSocket, WebSocketServer } from 'ws';
import { toJsonSafe } from './json-safe.js';
import {
  ERROR_CODES,
  type ErrorCode,
  type ErrorMessage,
  ProtocolError,
  parseClientMessage,
} from './protocol.js';
import { envSchemas } from './schemas.js';
import { actionLabelsOf, EnvSession, type SessionEnv } from './session.js';

/** Options of {@link createEnvServer}. */
export interface EnvServerOptions {
  /** The registered env every session plays, e.g. `gym-cards/NumberLine-v0`. */
  envId: string;
  /** Where `envId` is registered. Default: `@rl4vlm/env`'s module registry. */
  registry?: EnvRegistry;
  /** Keyword arguments for `make(envId, kwargs)`. */
  kwargs?: Record<string, unknown>;
  /** Options of the env's text layer, e.g. `{cot: false}`. Default `{cot: true}`. */
  text?: TextOptions;
  /** What a reply that does not parse does (see `TextEnv`). Default: a random legal action, as the paper. */
  onInvalid?: InvalidReplyPolicy;
  /** Interface to listen on. Default `127.0.0.1` (loopback only); `0.0.0.0` serves the network. */
  host?: string;
  /** Port; 0 picks a free one. Default 8000. */
  port?: number;
  /** Concurrent sessions (one env each); one more is refused with HTTP 503 `CAPACITY_REACHED`. Default 64. */
  maxSessions?: number;
  /** Seconds without a message after which a session is closed and its env freed. Default 300; 0 never. */
  idleTimeoutS?: number;
  /** Largest message accepted, in bytes; a larger one closes the socket with code 1009. Default 1 MiB. */
  maxMessageBytes?: number;
  /** When set, every route but `/health` needs `Authorization: Bearer <token>`; the token is never logged. */
  token?: string;
  /** Where connection events are written (one line each). Default: nowhere. */
  log?: (line: string) => void;
}

/** Counters of a running server, as `/health` reports them. */
export interface EnvServerStats {
  activeSessions: number;
  maxSessions: number;
  sessionsOpened: number;
  sessionsReaped: number;
  steps: number;
}

/** A listening env server. */
export interface EnvServer {
  /** `http://host:port`. */
  readonly url: string;
  /** `ws://host:port/ws`: what clients and `remote:` env ids use (without `/ws` works too). */
  readonly wsUrl: string;
  readonly port: number;
  stats(): EnvServerStats;
  /** Closes every session (code 1001) and stops listening. */
  close(): Promise<void>;
}

interface LiveSession {
  session: EnvSession;
  socket: WebSocket;
  lastActive: number;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function errorBody(code: ErrorCode, message: string): ErrorMessage {
  return { type: 'error', data: { code, message } };
}

/** Refuses an upgrade with an HTTP status and an OpenEnv error body, then closes the socket. */
function refuseUpgrade(socket: Socket, status: number, reason: string, body: ErrorMessage, extra = '') {
  const json = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n${extra}Connection: close\r\n\r\n${json}`,
  );
}

/**
 * Serves a registered env over OpenEnv's WebSocket protocol: every connection to `/ws` is a
 * session with its own env instance (`reset` with a seed, `step`, `state`, `close`), and
 * `GET /health`, `/metadata`, `/schema` describe the server. Resolves once listening.
 *
 * @example
 * import { registerGymCards } from '@rl4vlm/gym-cards';
 * registerGymCards(); // gym-cards/* in the default registry
 * const server = await createEnvServer({ envId: 'gym-cards/NumberLine-v0', port: 8000 });
 * console.log(server.wsUrl); // ws://127.0.0.1:8000/ws
 * await server.close();
 */
export async function createEnvServer(options: EnvServerOptions): Promise<EnvServer> {
  const registry = options.registry ?? defaultRegistry;
  const {
    envId,
    kwargs = {},
    text = { cot: true },
    onInvalid,
    host = '127.0.0.1',
    port = 8000,
    maxSessions = 64,
    idleTimeoutS = 300,
    maxMessageBytes = 1024 * 1024,
    token,
    log = () => {},
  } = options;
  if (!Number.isInteger(maxSessions) || maxSessions < 1)
    throw new RangeError(`maxSessions must be a positive integer, got ${maxSessions}`);
  if (!(idleTimeoutS >= 0)) throw new RangeError(`idleTimeoutS must be >= 0 seconds, got ${idleTimeoutS}`);
  if (!Number.isInteger(maxMessageBytes) || maxMessageBytes < 1024)
    throw new RangeError(`maxMessageBytes must be an integer >= 1024, got ${maxMessageBytes}`);
  if (token !== undefined && token.length === 0) throw new RangeError('token must not be empty');
  const spec = registry.spec(envId);
  const resolvedKwargs = registry.resolveKwargs(envId, kwargs);
  const makeSessionEnv = (): SessionEnv => {
    const env = registry.make(envId, kwargs);
    return spec.text ? { env, textEnv: new TextEnv(env, spec.text(text), { onInvalid }) } : { env };
  };
  // Build one env up front: a bad id or kwargs fails here, before anyone connects.
  const probe = makeSessionEnv();
  const labels = actionLabelsOf(probe.env);
  await (probe.textEnv ?? probe.env).close();
  const schemas = envSchemas(labels, Boolean(spec.text));
  const metadata = {
    name: envId,
    description: spec.description ?? `rl4vlm env ${envId}`,
    version: null,
    env_id: envId,
    action_labels: labels,
    text: Boolean(spec.text),
    kwargs: toJsonSafe(resolvedKwargs),
    text_options: spec.text ? text : null,
    max_sessions: maxSessions,
    idle_timeout_s: idleTimeoutS,
    max_message_bytes: maxMessageBytes,
    protocol: 'openenv-websocket',
  };

  const sessions = new Map<string, LiveSession>();
  const counters = { sessionsOpened: 0, sessionsReaped: 0, steps: 0 };
  const tokenDigest = token === undefined ? undefined : digest(token);
  const authorized = (req: IncomingMessage): boolean => {
    if (!tokenDigest) return true;
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    return Boolean(match) && timingSafeEqual(digest(match![1]!.trim()), tokenDigest);
  };
  const stats = (): EnvServerStats => ({ activeSessions: sessions.size, maxSessions, ...counters });

  const http = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method !== 'GET')
      return sendJson(res, 405, errorBody(ERROR_CODES.validation, `${req.method} is not served; use GET`));
    if (path === '/health') {
      const s = stats();
      return sendJson(res, 200, {
        status: 'healthy',
        active_sessions: s.activeSessions,
        max_sessions: s.maxSessions,
        sessions_opened: s.sessionsOpened,
        sessions_reaped: s.sessionsReaped,
        steps: s.steps,
      });
    }
    if (!authorized(req))
      return sendJson(res, 401, errorBody(ERROR_CODES.unauthorized, 'Missing or wrong bearer token'), {
        'www-authenticate': 'Bearer',
      });
    if (path === '/metadata') return sendJson(res, 200, metadata);
    if (path === '/schema') return sendJson(res, 200, schemas);
    sendJson(
      res,
      404,
      errorBody(ERROR_CODES.validation, `No route ${path}; try /ws, /health, /metadata, /schema`),
    );
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });
  http.on('upgrade', (req, socket: Socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== '/ws' && path !== '/')
      return refuseUpgrade(
        socket,
        404,
        'Not Found',
        errorBody(ERROR_CODES.validation, `No WebSocket at ${path}; use /ws`),
      );
    if (!authorized(req))
      return refuseUpgrade(
        socket,
        401,
        'Unauthorized',
        errorBody(ERROR_CODES.unauthorized, 'Missing or wrong bearer token'),
        'WWW-Authenticate: Bearer\r\n',
      );
    if (sessions.size >= maxSessions)
      return refuseUpgrade(
        socket,
        503,
        'Service Unavailable',
        errorBody(
          ERROR_CODES.capacity,
          `Server is full: ${sessions.size} of ${maxSessions} sessions in use; try again later`,
        ),
      );
    wss.handleUpgrade(req, socket, head, (ws) => startSession(ws, req));
  });

  function startSession(ws: WebSocket, req: IncomingMessage) {
    const id = randomUUID().slice(0, 8);
    let made: SessionEnv;
    try {
      made = makeSessionEnv();
    } catch (error) {
      ws.send(
        JSON.stringify(
          errorBody(ERROR_CODES.factory, `Could not make '${envId}': ${(error as Error).message}`),
        ),
      );
      ws.close(1011, 'env factory failed');
      return;
    }
    const live: LiveSession = {
      session: new EnvSession(id, envId, made),
      socket: ws,
      lastActive: Date.now(),
    };
    sessions.set(id, live);
    counters.sessionsOpened += 1;
    log(`session ${id} opened from ${req.socket.remoteAddress} (${sessions.size}/${maxSessions})`);
    // Messages of one session are answered strictly in order, one at a time.
    let queue = Promise.resolve();
    ws.on('message', (data, isBinary) => {
      live.lastActive = Date.now();
      const text = isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString();
      queue = queue.then(() => answer(live, text));
    });
    ws.on('close', (code) => {
      if (sessions.get(id) !== live) return;
      sessions.delete(id);
      log(`session ${id} closed (code ${code}; ${sessions.size}/${maxSessions})`);
      void queue.then(() => live.session.close()).catch(() => {});
    });
    ws.on('error', () => {});
  }

  async function answer(live: LiveSession, text: string) {
    let reply: unknown;
    try {
      const message = parseClientMessage(text);
      if (message.type === 'close') {
        live.socket.close(1000, 'closed by client');
        return;
      }
      reply = await live.session.handle(message);
      if (message.type === 'step') counters.steps += 1;
    } catch (error) {
      reply =
        error instanceof ProtocolError
          ? errorBody(error.code, error.message)
          : errorBody(ERROR_CODES.execution, (error as Error)?.message ?? String(error));
    }
    if (live.socket.readyState === live.socket.OPEN) live.socket.send(JSON.stringify(reply));
  }

  // The reaper: a session silent for idleTimeoutS is closed, so half-open sockets free their env.
  const reaper =
    idleTimeoutS > 0
      ? setInterval(
          () => {
            const now = Date.now();
            for (const [id, live] of sessions) {
              if (now - live.lastActive < idleTimeoutS * 1000) continue;
              sessions.delete(id);
              counters.sessionsReaped += 1;
              log(`session ${id} reaped after ${idleTimeoutS}s idle (${sessions.size}/${maxSessions})`);
              if (live.socket.readyState === live.socket.OPEN)
                live.socket.send(
                  JSON.stringify(
                    errorBody(ERROR_CODES.session, `Session closed: idle for more than ${idleTimeoutS}s`),
                  ),
                );
              live.socket.close(1001, 'idle timeout');
              // A half-open peer never answers the close handshake.
              setTimeout(() => live.socket.terminate(), 1000).unref();
              void live.session.close().catch(() => {});
            }
          },
          Math.max(50, Math.min(1000, (idleTimeoutS * 1000) / 4)),
        )
      : undefined;
  reaper?.unref();

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const address = http.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    wsUrl: `ws://${shownHost}:${address.port}/ws`,
    port: address.port,
    stats,
    async close() {
      if (reaper) clearInterval(reaper);
      for (const live of sessions.values()) {
        live.socket.close(1001, 'server shutting down');
        setTimeout(() => live.socket.terminate(), 500).unref();
      }
      await new Promise<void>((resolve) => {
        wss.close(() => resolve());
      });
      http.closeAllConnections?.();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
