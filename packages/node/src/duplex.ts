// toNodeDuplex: a node:stream Duplex over any Connection, so existing Node libraries (http, …) can run over it.
import { Duplex } from 'node:stream';
import type { Connection } from '@runtime-traits/core';

/**
 * Reads pull from `conn.read()` one chunk at a time (Node's highWaterMark bounds what is buffered);
 * writes wait for `conn.write()` (so the Connection's backpressure reaches the Node writer);
 * `end()` half-closes; `destroy()` closes the Connection. Works with any runtime's Connection.
 */
export function toNodeDuplex(conn: Connection): Duplex {
  if (typeof conn !== 'object' || conn === null || typeof conn.read !== 'function' || typeof conn.write !== 'function') {
    throw new TypeError('conn must be a Connection');
  }
  return new ConnectionDuplex(conn);
}

class ConnectionDuplex extends Duplex {
  private reading = false;

  constructor(private readonly conn: Connection) {
    super({ allowHalfOpen: true });
    const remote = conn.remoteAddress;
    if ('port' in remote) Object.assign(this, { remoteAddress: remote.host, remotePort: remote.port });
  }

  override _read(): void {
    if (this.reading) return;
    this.reading = true;
    this.conn.read().then((chunk) => {
      this.reading = false;
      // push() returning true asks for more; Node calls _read again.
      this.push(chunk === null ? null : chunk);
    }, (error: Error) => {
      this.reading = false;
      this.destroy(error);
    });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.conn.write(chunk).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.conn.closeWrite().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.conn.close().then(() => callback(error), () => callback(error));
  }

  // What node:net callers (http among them) may call on a socket; a Connection has no such knobs.
  setNoDelay(): this { return this; }
  setKeepAlive(): this { return this; }
  setTimeout(_ms: number, callback?: () => void): this {
    if (callback) this.once('timeout', callback);
    return this;
  }
  ref(): this { return this; }
  unref(): this { return this; }
}
