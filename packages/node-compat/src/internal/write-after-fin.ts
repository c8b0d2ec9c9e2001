// After the peer's end on a socket without allowHalfOpen, a write is an EPIPE 'error' — node:net's own wording and code.
import { Duplex } from 'node:stream';
import { codedError } from './node-errors.js';

type Callback = (error?: Error | null) => void;

/** An 'end' listener: from now on writes past the socket's own end fail as node:net's do. */
export function onReadableEnd(this: Duplex): void {
  if (!this.allowHalfOpen) this.write = writeAfterFIN;
}

function writeAfterFIN(this: Duplex, chunk: unknown, encoding?: unknown, cb?: unknown): boolean {
  if (!this.writableEnded) return Duplex.prototype.write.call(this, chunk, encoding as BufferEncoding, cb as Callback);
  const callback = typeof encoding === 'function' ? encoding : cb;
  const error = codedError('EPIPE', 'This socket has been ended by the other party');
  if (typeof callback === 'function') process.nextTick(callback as Callback, error);
  this.destroy(error);
  return false;
}
