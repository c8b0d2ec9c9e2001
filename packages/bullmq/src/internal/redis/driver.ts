// Gives BullMQ a Redis driver: ioredis when it is installed, else this package's own small client.
import { createRequire } from 'node:module';
import { createIORedisClient, RedisConnection } from 'bullmq';
import { RedisClient, type RedisClientOptions } from './client.js';

let installed = false;

/** True when the `ioredis` package can be loaded from here (BullMQ then uses it by itself). */
function hasIORedis(): boolean {
  try {
    createRequire(import.meta.url).resolve('ioredis');
    return true;
  } catch {
    return false;
  }
}

/**
 * Installs a BullMQ client factory backed by `RedisClient`, once per process, unless ioredis is
 * present or the application set its own factory. Idempotent. Public as `installRedisDriver`: plain
 * BullMQ objects (Queue, Worker, QueueEvents) made in the same process then work without ioredis.
 */
export function ensureRedisDriver(): void {
  if (installed) return;
  installed = true;
  if (RedisConnection.clientFactory || hasIORedis()) return;
  RedisConnection.clientFactory = (opts) => createIORedisClient(new RedisClient(opts as RedisClientOptions) as never);
}

/** A standalone connection (for pub/sub), ioredis-shaped, from BullMQ-style connection options. */
export function connectRedis(options: RedisClientOptions): RedisClient {
  return new RedisClient(options);
}
