// toWebStreams: a Connection as a { readable, writable } pair of Web Streams.
import type { Connection } from './reactor.js';

/** A connection as Web Streams, from {@link toWebStreams}. */
export interface WebStreamPair {
  /** The bytes the peer sends; closes at end of stream. */
  readable: ReadableStream<Uint8Array>;
  /** Bytes (or UTF-8 strings) to send; closing it half-closes the connection. */
  writable: WritableStream<Uint8Array | string>;
}

/**
 * A Connection as a `{ readable, writable }` pair of Web Streams, for code written against those.
 * Reading pulls from `conn.read()` (end of stream closes the readable); writing waits on
 * `conn.write()`, so backpressure carries through; closing the writable half-closes the connection;
 * cancelling the readable or aborting the writable closes it.
 *
 * @param conn The connection to wrap; it stays owned by the pair.
 * @throws TypeError when `conn` is not a Connection.
 */
export function toWebStreams(conn: Connection): WebStreamPair {
  if (typeof conn !== 'object' || conn === null || typeof conn.read !== 'function' || typeof conn.write !== 'function') {
    throw new TypeError('conn must be a Connection');
  }
  const readable = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = await conn.read();
      if (chunk === null) controller.close();
      // An empty chunk would only make the stream (and a pipe through it) pull again at once, for ever.
      else if (chunk.length === 0) throw new TypeError('conn.read() returned an empty chunk: a Connection gives at least one byte, or null at end of stream');
      else controller.enqueue(chunk);
    },
    cancel: () => conn.close(),
  }, { highWaterMark: 0 });
  const writable = new WritableStream<Uint8Array | string>({
    write: (chunk) => conn.write(chunk),
    close: () => conn.closeWrite(),
    abort: () => conn.close(),
  });
  return { readable, writable };
}
