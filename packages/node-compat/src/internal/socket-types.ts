// The shapes around a NodeSocket: how one is made, and the stream and server fields node:net's own code reads and writes.
import type { Clock, Connection, Net } from '@runtime-traits/core';
import type { TimerSource } from './idle-timer.js';
import type { ResourceOwner } from './owner.js';

/** How a NodeSocket is made (the factories fill it in). */
export interface NodeSocketInit {
  /** An open Connection (an accepted or already connected socket). */
  connection?: Connection;
  /** The network `connect()` dials; without it the socket can only be given a connection. */
  net?: Net;
  /** The clock `setTimeout` runs on; without it `setTimeout(ms > 0)` is refused. */
  clock?: Clock;
  /** Default false, as node:net's: after the peer's end the socket ends its side too. */
  allowHalfOpen?: boolean;
  /** Start paused (a server's `pauseOnConnect`). */
  pauseOnCreate?: boolean;
  /** Asked of the Connection at connect; default: the runtime's (the node runtime: on). */
  noDelay?: boolean;
  /** Bytes the readable side buffers before it stops reading from the Connection (stream default: 16 KiB). */
  readableHighWaterMark?: number;
  /** Bytes the writable side buffers before `write()` returns false (stream default: 16 KiB). */
  writableHighWaterMark?: number;
  /** @internal The withNodeApis scope the socket belongs to (see owner.ts). */
  owner?: ResourceOwner;
  /** @internal The host a TCP connect without one dials (withNodeApis: 'localhost', as node:net). */
  defaultHost?: string;
  /** @internal Where `setTimeout`'s waits come from instead of `clock` (a withNodeApis scope's own timers). */
  timers?: TimerSource;
}

/** A write or end() waiting for the connect to finish. */
export interface Deferred {
  run(): void;
  fail(error: Error): void;
}

/** Stream internals TypeScript does not declare (node's own net.Socket uses them the same way). */
export interface StreamFields {
  readableFlowing: boolean | null;
  writableBuffer: Array<{ chunk: Buffer | string; encoding: BufferEncoding }>;
  _undestroy(): void;
}

/** What the server bookkeeping of node:net keeps on a socket (see serve.ts). */
export interface ServerLink {
  _connections: number;
  _emitCloseIfDrained?: () => void;
}
