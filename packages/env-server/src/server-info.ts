import { EnvConnectionError, httpBase } from './client.js';

/** What `GET /metadata` of an rl4vlm env server says. */
export interface ServerMetadata {
  name: string;
  description: string;
  env_id: string;
  action_labels: string[] | null;
  text: boolean;
  /** The env's keyword arguments on the server, defaults included. */
  kwargs: Record<string, unknown>;
  text_options: Record<string, unknown> | null;
  max_sessions: number;
  idle_timeout_s: number;
  max_message_bytes: number;
  protocol: string;
}

/**
 * Reads a server's `/metadata` (with the bearer token when given), so a client can check before a
 * run that the server is up, the token is right, and which env it serves.
 */
export async function fetchServerMetadata(
  url: string,
  { token, timeoutMs = 10_000 }: { token?: string; timeoutMs?: number } = {},
): Promise<ServerMetadata> {
  const target = `${httpBase(url)}/metadata`;
  let res: Response;
  try {
    res = await fetch(target, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new EnvConnectionError(url, `cannot reach the env server (${cause ?? (error as Error).message})`);
  }
  const body = await res.text();
  if (res.status === 401)
    throw new EnvConnectionError(
      url,
      'refused with HTTP 401: missing or wrong token (set RL4VLM_ENV_TOKEN)',
      {
        status: 401,
        code: 'UNAUTHORIZED',
      },
    );
  if (!res.ok)
    throw new EnvConnectionError(url, `GET /metadata answered HTTP ${res.status}: ${body.slice(0, 200)}`, {
      status: res.status,
    });
  try {
    return JSON.parse(body) as ServerMetadata;
  } catch {
    throw new EnvConnectionError(url, `GET /metadata did not answer JSON: ${body.slice(0, 200)}`);
  }
}
