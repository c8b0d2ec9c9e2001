// toNodeDuplex (deprecated): @runtime-traits/node-compat's toNodeSocket, with this runtime's real-time clock for setTimeout.
import type { Clock, Connection } from '@runtime-traits/core';
import { toNodeSocket, type NodeSocket, type ToNodeSocketOptions } from '@runtime-traits/node-compat';
import { NodeClock } from './clock.js';

let defaultClock: NodeClock | undefined;

/**
 * @deprecated Use `toNodeSocket(conn, { clock })` from `@runtime-traits/node-compat`: the same
 * NodeSocket (a net.Socket), half-open off, a working `setTimeout`, addresses and Node's error codes.
 * Without `options.clock` the socket's timeouts run on a NodeClock (real time).
 */
export function toNodeDuplex(conn: Connection, options?: ToNodeSocketOptions): NodeSocket {
  const clock: Clock = options?.clock ?? (defaultClock ??= new NodeClock());
  return toNodeSocket(conn, { ...options, clock });
}
