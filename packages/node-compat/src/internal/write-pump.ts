// WritePump: a NodeSocket's writes to its Connection, one `conn.write()` at a time, counted as node:net counts bytesWritten.
import { Buffer } from 'node:buffer';
import type { Connection } from '@runtime-traits/core';
import { nodeError } from './node-errors.js';

/** Writes corked together up to this many bytes are sent as one `conn.write()` (http's head + body, pipelined requests). */
const COALESCE_BYTES = 16 * 1024;

export type Done = (error?: Error | null) => void;

/** The buffers a `_writev` sends: small batches joined into one, big ones one after another (no copy). */
export function batch(chunks: ReadonlyArray<{ chunk: Buffer | string; encoding: BufferEncoding }>): Buffer[] {
  const buffers = chunks.map(({ chunk, encoding }) => (typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk));
  let total = 0;
  for (const b of buffers) total += b.length;
  return total <= COALESCE_BYTES ? [Buffer.concat(buffers, total)] : buffers;
}

/**
 * The stream calls `send` for one write (or one batch) at a time and waits for `done` before the next:
 * `done` runs once the Connection accepted every buffer — so the Connection's backpressure is the
 * socket's ('drain' waits for it). Buffers of a batch go one after another, in order.
 */
export class WritePump {
  /** Bytes handed to the Connection so far. */
  dispatched = 0;
  /** Set when the socket is destroyed: the rest of a batch is dropped. */
  stopped = false;
  private queue: Buffer[] = [];
  private done: Done | undefined;

  /** `frozen()` true: the socket's owner is gone, and completions are dropped (see owner.ts). */
  constructor(private readonly conn: Connection, private readonly onActivity: () => void, private readonly frozen: () => boolean) {}

  send(buffers: Buffer[], done: Done): void {
    this.done = done;
    this.queue = buffers;
    this.next();
  }

  /** Bytes of the current batch not yet handed to the Connection. */
  get queuedBytes(): number {
    let n = 0;
    for (const b of this.queue) n += b.length;
    return n;
  }

  private next(): void {
    const buffer = this.queue.shift()!;
    this.dispatched += buffer.length;
    this.onActivity();
    this.conn.write(buffer).then(this.onWritten, this.onError);
  }

  private readonly onWritten = (): void => {
    if (this.frozen()) return;
    this.onActivity();
    if (this.queue.length > 0 && !this.stopped) {
      this.next();
      return;
    }
    this.finish(undefined);
  };

  private readonly onError = (error: unknown): void => {
    if (this.frozen()) return;
    this.finish(nodeError(error, 'write', 'EPIPE'));
  };

  private finish(error: Error | undefined): void {
    const done = this.done;
    this.done = undefined;
    this.queue = [];
    done?.(error);
  }
}
