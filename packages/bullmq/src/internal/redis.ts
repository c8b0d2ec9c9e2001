// The Redis connections this package opens itself (BullMQ opens its own): a start-up probe and the cancel-channel subscriber; and the options it gives BullMQ's.
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { NetError, TimeoutError } from '@runtime-traits/core';

/** A connection to open ourselves: a URL, or plain ioredis options (not a client instance). */
function target(connection: ConnectionOptions): { url?: string; options: RedisOptions } | undefined {
  const c = connection as Record<string, unknown>;
  if (typeof c.connect === 'function' || typeof c.defineCommand === 'function' || typeof c.sendCommand === 'function') return undefined;
  const { url, ...options } = c as RedisOptions & { url?: string };
  return { url, options };
}

/** How long the start-up probe waits for Redis to answer once connected. */
const PROBE_MS = 5_000;

/** A socket's errno error (ECONNREFUSED, ENOTFOUND...) as the contract's NetError, code and syscall kept, the original as cause; anything else as is. */
function asNetError(error: unknown): unknown {
  const e = error as NodeJS.ErrnoException;
  if (!(error instanceof Error) || typeof e.code !== 'string' || typeof e.syscall !== 'string') return error;
  return new NetError(e.code, e.message, { cause: error, syscall: e.syscall });
}

/**
 * Connects once without retrying, so that a Redis that is down or misnamed fails create() or the
 * worker's start at once with its real error: a NetError for the socket's (ECONNREFUSED, ENOTFOUND...),
 * Redis's own reply otherwise (NOAUTH, a SELECT of a database that does not exist...). One that accepts
 * the connection but never answers fails after PROBE_MS with a TimeoutError. Past start-up, BullMQ's own
 * connections retry for ever, which is what a long-running process wants.
 */
export async function probeRedis(connection: ConnectionOptions): Promise<void> {
  const t = target(connection);
  if (!t) return; // the caller passed a client instance: it is theirs to manage
  const options: RedisOptions = {
    ...t.options, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false,
    disconnectTimeout: 0, // (its default arms a 2 s timer that a connection that failed never clears)
  };
  const client = t.url ? new Redis(t.url, options) : new Redis(options);
  let cause: Error | undefined; // ioredis rejects with "Connection is closed."; the socket's error says why
  client.on('error', (error: Error) => { cause ??= error; });
  let timer: NodeJS.Timeout | undefined;
  const silent = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`Redis accepted the connection but did not answer within ${PROBE_MS / 1000} s`)), PROBE_MS);
  });
  try {
    await Promise.race([(async () => { await client.connect(); await client.ping(); })(), silent]);
    if (cause) throw cause; // an error beside a working PING: the SELECT of a missing database, say
  } catch (error) {
    throw asNetError(cause ?? error);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/**
 * Connection options for BullMQ's own connections: ioredis's default `disconnectTimeout` arms a 2 s timer on
 * every disconnect of a client whose socket has already closed (Redis down), which would keep the process
 * alive that long after close(). The caller's own value wins; a client instance is used as is.
 */
export function closeQuickly(connection: ConnectionOptions): ConnectionOptions {
  return target(connection) ? { disconnectTimeout: 0, ...connection } : connection;
}

/** A subscriber connection (ioredis subscribes to its channels again after a reconnect). */
export function subscriber(url: string): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: null, disconnectTimeout: 0 });
  client.on('error', () => undefined);
  return client;
}
