// The Redis connections this package opens itself (BullMQ opens its own): a start-up probe and the cancel-channel subscriber.
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';

/** A connection to open ourselves: a URL, or plain ioredis options (not a client instance). */
function target(connection: ConnectionOptions): { url?: string; options: RedisOptions } | undefined {
  const c = connection as Record<string, unknown>;
  if (typeof c.connect === 'function' || typeof c.defineCommand === 'function' || typeof c.sendCommand === 'function') return undefined;
  const { url, ...options } = c as RedisOptions & { url?: string };
  return { url, options };
}

/** How long the start-up probe waits for Redis to answer once connected. */
const PROBE_MS = 5_000;

/**
 * Connects once without retrying, so that a Redis that is down or misnamed fails create() or the
 * worker's start at once with its real error (ECONNREFUSED, ENOTFOUND, NOAUTH, a SELECT of a database
 * that does not exist...), and one that accepts the connection but never answers fails after
 * PROBE_MS. Past start-up, BullMQ's own connections retry for ever, which is what a long-running
 * process wants.
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
    timer = setTimeout(() => reject(new Error(`Redis accepted the connection but did not answer within ${PROBE_MS / 1000} s`)), PROBE_MS);
  });
  try {
    await Promise.race([(async () => { await client.connect(); await client.ping(); })(), silent]);
    if (cause) throw cause; // an error beside a working PING: the SELECT of a missing database, say
  } catch (error) {
    throw cause ?? error;
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** A subscriber connection (ioredis subscribes to its channels again after a reconnect). */
export function subscriber(url: string): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: null });
  client.on('error', () => undefined);
  return client;
}
