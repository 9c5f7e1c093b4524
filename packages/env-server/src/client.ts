import WebSocket from 'ws';
import type {
  ErrorCode,
  ObservationMessage,
  ResetData,
  ServerMessage,
  StateMessage,
  StepData,
} from './protocol.js';

/** The server answered a message with `{"type":"error"}`; the session is still open. */
export class EnvServerError extends Error {
  readonly code: ErrorCode | string;
  readonly url: string;
  constructor(url: string, code: string, message: string) {
    super(`${url}: ${code}: ${message}`);
    this.name = 'EnvServerError';
    this.code = code;
    this.url = url;
  }
}

/**
 * The connection to an env server failed or was lost (server killed, network gone, refused):
 * whatever was in flight is lost, and a new session is needed.
 */
export class EnvConnectionError extends Error {
  readonly url: string;
  /** HTTP status of a refused connection (401 wrong token, 503 full), when there was one. */
  readonly status?: number;
  /** The server's error code (`CAPACITY_REACHED`, `UNAUTHORIZED`, `SESSION_ERROR`, …), when it sent one. */
  readonly code?: string;
  constructor(url: string, message: string, { status, code }: { status?: number; code?: string } = {}) {
    super(`${url}: ${message}`);
    this.name = 'EnvConnectionError';
    this.url = url;
    this.status = status;
    this.code = code;
  }
}

/** Options of {@link EnvClient.connect}. */
export interface EnvClientOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Give up connecting after this long. Default 10 s. */
  connectTimeoutMs?: number;
  /** Give up waiting for one reply after this long (the connection is then dropped). Default 120 s. */
  requestTimeoutMs?: number;
}

/** `ws://h:p` and `ws://h:p/` mean the server's `/ws`. */
export function sessionUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:')
    throw new RangeError(`Env server URL must start with ws:// or wss://, got '${url}'`);
  if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = '/ws';
  return parsed.toString();
}

/** The server's HTTP base (`http://h:p`) for a `ws://h:p[/ws]` URL. */
export function httpBase(url: string): string {
  const parsed = new URL(url);
  parsed.protocol = parsed.protocol === 'wss:' ? 'https:' : 'http:';
  parsed.pathname = '';
  parsed.search = '';
  return parsed.toString().replace(/\/$/, '');
}

interface Pending {
  resolve: (message: ServerMessage) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One OpenEnv session on an env server: `reset`, `step`, `state`, `close`, each answered in
 * order. An error reply rejects with {@link EnvServerError} (the session goes on); a lost or
 * refused connection rejects with {@link EnvConnectionError}.
 *
 * @example
 * const client = await EnvClient.connect('ws://127.0.0.1:8000');
 * const first = await client.reset({ seed: 1 });
 * const next = await client.step({ action: '+' });
 * await client.close();
 */
export class EnvClient {
  readonly url: string;
  private readonly socket: WebSocket;
  private readonly pending: Pending[] = [];
  private readonly requestTimeoutMs: number;
  private closedWith?: EnvConnectionError;
  private lastServerError?: { code: string; message: string };

  private constructor(url: string, socket: WebSocket, requestTimeoutMs: number) {
    this.url = url;
    this.socket = socket;
    this.requestTimeoutMs = requestTimeoutMs;
    socket.on('message', (data) => this.onMessage(data.toString()));
    socket.on('close', (code, reason) => {
      const why = this.lastServerError
        ? `${this.lastServerError.code}: ${this.lastServerError.message}`
        : `connection closed (code ${code}${reason.length ? `, ${reason.toString()}` : ''})`;
      this.fail(
        new EnvConnectionError(url, `the env server ended the session: ${why}`, {
          code: this.lastServerError?.code,
        }),
      );
    });
    socket.on('error', (error) =>
      this.fail(new EnvConnectionError(url, `connection lost: ${error.message}`)),
    );
  }

  /** Opens a session; rejects with {@link EnvConnectionError} saying why (refused, 401, 503 full, timeout). */
  static connect(
    url: string,
    { token, connectTimeoutMs = 10_000, requestTimeoutMs = 120_000 }: EnvClientOptions = {},
  ) {
    const target = sessionUrl(url);
    return new Promise<EnvClient>((resolve, reject) => {
      const socket = new WebSocket(target, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        handshakeTimeout: connectTimeoutMs,
        perMessageDeflate: false,
      });
      const onError = (error: Error) =>
        reject(new EnvConnectionError(target, `cannot connect: ${error.message}`));
      socket.once('error', onError);
      socket.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on('end', () => {
          let code: string | undefined;
          let message = body.trim() || res.statusMessage || 'refused';
          try {
            const parsed = JSON.parse(body) as { data?: { code?: string; message?: string } };
            code = parsed.data?.code;
            message = parsed.data?.message ?? message;
          } catch {
            // Not an OpenEnv error body: keep the raw text.
          }
          socket.removeListener('error', onError);
          socket.on('error', () => {});
          socket.terminate();
          reject(
            new EnvConnectionError(
              target,
              `refused with HTTP ${res.statusCode}${code ? ` ${code}` : ''}: ${message}`,
              {
                status: res.statusCode,
                code,
              },
            ),
          );
        });
      });
      socket.once('open', () => {
        socket.removeListener('error', onError);
        // An idle session must not keep a process alive (apps rarely close their envs); a request
        // in flight is kept alive by its timeout timer.
        (socket as unknown as { _socket?: { unref?: () => void } })._socket?.unref?.();
        resolve(new EnvClient(target, socket, requestTimeoutMs));
      });
    });
  }

  /** Starts an episode (seeded when `seed` is given). */
  async reset(data: ResetData = {}): Promise<ObservationMessage['data']> {
    return ((await this.request({ type: 'reset', data }, 'observation')) as ObservationMessage).data;
  }

  /** Plays one step: `{reply}` (parsed by the server's text layer) or `{action}` (a label or index). */
  async step(data: StepData): Promise<ObservationMessage['data']> {
    return ((await this.request({ type: 'step', data }, 'observation')) as ObservationMessage).data;
  }

  /** The session's state: episode id, step count, seed, return. */
  async state(): Promise<StateMessage['data']> {
    return ((await this.request({ type: 'state' }, 'state')) as StateMessage).data;
  }

  /** True until the connection closed or failed. */
  get open(): boolean {
    return !this.closedWith && this.socket.readyState === WebSocket.OPEN;
  }

  /** Ends the session (the server frees its env). Safe to call more than once. */
  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: 'close' }));
    if (this.socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.socket.terminate();
        resolve();
      }, 2000);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private request(message: unknown, expected: ServerMessage['type']): Promise<ServerMessage> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise<ServerMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new EnvConnectionError(this.url, `no reply within ${this.requestTimeoutMs} ms`));
        this.socket.terminate();
      }, this.requestTimeoutMs);
      this.pending.push({
        resolve: (reply) => {
          if (reply.type === expected) resolve(reply);
          else
            reject(
              new EnvServerError(this.url, 'UNEXPECTED_REPLY', `expected '${expected}', got '${reply.type}'`),
            );
        },
        reject,
        timer,
      });
      this.socket.send(JSON.stringify(message));
    });
  }

  private onMessage(text: string) {
    let message: ServerMessage;
    try {
      message = JSON.parse(text) as ServerMessage;
    } catch {
      this.fail(
        new EnvConnectionError(this.url, `the server sent something that is not JSON: ${text.slice(0, 80)}`),
      );
      this.socket.terminate();
      return;
    }
    const waiting = this.pending.shift();
    if (!waiting) {
      // Unasked: the server says why it is about to close the session (idle timeout, shutdown).
      if (message.type === 'error') this.lastServerError = message.data;
      return;
    }
    clearTimeout(waiting.timer);
    if (message.type === 'error')
      waiting.reject(new EnvServerError(this.url, message.data.code, message.data.message));
    else waiting.resolve(message);
  }

  private fail(error: EnvConnectionError) {
    this.closedWith ??= error;
    for (const waiting of this.pending.splice(0)) {
      clearTimeout(waiting.timer);
      waiting.reject(this.closedWith);
    }
  }
}
