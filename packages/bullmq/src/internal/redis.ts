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

/**
 * Connects once without retrying, so that a Redis that is down or misnamed fails create() or the
 * worker's start at once with its real error (ECONNREFUSED, ENOTFOUND, NOAUTH...). Past start-up,
 * BullMQ's own connections retry for ever, which is what a long-running process wants.
 */
export async function probeRedis(connection: ConnectionOptions): Promise<void> {
  const t = target(connection);
  if (!t) return; // the caller passed a client instance: it is theirs to manage
  const options: RedisOptions = { ...t.options, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false };
  const client = t.url ? new Redis(t.url, options) : new Redis(options);
  let cause: Error | undefined; // ioredis rejects with "Connection is closed."; the socket's error says why
  client.on('error', (error: Error) => { cause ??= error; });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw cause ?? error;
  } finally {
    client.disconnect();
  }
}

/** A subscriber connection (ioredis subscribes to its channels again after a reconnect). */
export function subscriber(url: string): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: null });
  client.on('error', () => undefined);
  return client;
}
