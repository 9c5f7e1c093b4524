import { readFileSync } from 'node:fs';
import type { RedisOptions } from 'ioredis';

/**
 * How to reach Redis. The URL carries host, port, database and optionally user and password
 * (`redis://user:secret@host:6379/0`); `rediss://` turns TLS on. Secrets may instead come from
 * `password` or the `RL4VLM_REDIS_PASSWORD` environment variable, so they stay out of configs.
 */
export interface RedisConnectionOptions {
  /** `redis://[user[:password]@]host[:port][/db]`, or `rediss://…` for TLS. */
  url: string;
  /** Overrides the URL's user. */
  username?: string;
  /** Overrides the URL's password (default: `RL4VLM_REDIS_PASSWORD` when set). */
  password?: string;
  /** TLS settings (implies TLS). `ca`, `cert`, `key` are PEM text or a path to a PEM file. */
  tls?: {
    ca?: string;
    cert?: string;
    key?: string;
    /** Default true: the server's certificate must be valid for its host. */
    rejectUnauthorized?: boolean;
    servername?: string;
  };
}

/** What the two sides need: a worker must wait out outages, the learner must notice them quickly. */
export type ConnectionRole = 'worker' | 'learner';

const pem = (x: string | undefined): string | undefined =>
  x === undefined ? undefined : x.includes('-----BEGIN') ? x : readFileSync(x, 'utf8');

/** The URL without its password, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}

/** ioredis options from {@link RedisConnectionOptions}; a bad URL is an error naming what is allowed. */
export function redisOptions(o: RedisConnectionOptions, role: ConnectionRole): RedisOptions {
  let u: URL;
  try {
    u = new URL(o.url);
  } catch {
    throw new Error(`Redis url '${o.url}' is not a URL: expected redis://host:port or rediss://host:port`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new Error(
      `Redis url '${redactRedisUrl(o.url)}' has protocol '${u.protocol}': expected redis:// or rediss:// (TLS)`,
    );
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0)
    throw new Error(
      `Redis url '${redactRedisUrl(o.url)}': database '${u.pathname.slice(1)}' is not a number`,
    );
  const useTls = u.protocol === 'rediss:' || o.tls !== undefined;
  const password =
    o.password ?? (u.password ? decodeURIComponent(u.password) : process.env.RL4VLM_REDIS_PASSWORD);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    db,
    username: o.username ?? (u.username ? decodeURIComponent(u.username) : undefined),
    password: password || undefined,
    tls: useTls
      ? {
          ca: pem(o.tls?.ca),
          cert: pem(o.tls?.cert),
          key: pem(o.tls?.key),
          rejectUnauthorized: o.tls?.rejectUnauthorized ?? true,
          servername: o.tls?.servername ?? u.hostname,
        }
      : undefined,
    // BullMQ workers need commands to wait through reconnects; the learner counts its own outage time.
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    connectTimeout: 5_000,
    retryStrategy: (times) => Math.min(100 * times, 1_000),
  };
}
