// Closing Redis connections within a time limit, also while Redis is unreachable, so that the process can then exit.
//
// WHY: BullMQ's close() waits for Redis (a QUIT, or the 'end' of a forced disconnect) without a limit. And
// ioredis's disconnect() of a client that is between two reconnect attempts stops the retries but neither
// emits 'end' nor fails the commands queued on it (BullMQ's own notes call this #4585): BullMQ's close then
// waits for ever, and so do the commands, among them BullMQ's blocking reads, whose ref'd watchdog timers
// (up to 11 s) keep the process alive. endConnection() finishes that disconnect the way ioredis finishes one
// itself when a closed connection stops retrying: status 'end', queued commands failed.
import type { RedisConnection } from 'bullmq';

/** Waits for `work` (its failure ignored) at most `ms`: true if it ended in time. The timer does not hold the process. */
export async function within(ms: number, work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const ended = await Promise.race([
    work.then(() => true, () => true),
    new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), ms); timer.unref(); }),
  ]);
  clearTimeout(timer);
  return ended;
}

/** The parts of an ioredis client that ending it needs (setStatus and flushQueue are ioredis internals, hence the checks). */
interface EndableClient {
  status: string;
  disconnect(): void;
  setStatus?(status: string): void;
  flushQueue?(error: Error): void;
}

/** Disconnects `client` for good: no more retries, status 'end' (BullMQ's waits for it end), every queued command failed. */
export function endConnection(client: unknown): void {
  const c = client as EndableClient;
  if (c.status === 'end') return;
  c.disconnect(); // stops the reconnect timer (a no-op for one already disconnected)
  if (c.status === 'end' || typeof c.setStatus !== 'function' || typeof c.flushQueue !== 'function') return;
  c.setStatus('end');
  c.flushQueue(new Error('Connection is closed.'));
}

/** A BullMQ Queue, QueueEvents or Worker. */
interface BullMQClosable {
  backend: { connection: RedisConnection; blockingConnection?: RedisConnection };
}

/**
 * Waits for `closing` (the object's own close) at most `ms`; if it has not ended, ends its connections
 * (which lets that close finish too).
 */
export async function closeWithin(ms: number, closing: Promise<unknown>, target: BullMQClosable): Promise<void> {
  if (await within(ms, closing)) return;
  const connections = [target.backend.connection, target.backend.blockingConnection];
  await within(ms, Promise.all(connections.map((connection) => connection?.client.then(endConnection))));
}
