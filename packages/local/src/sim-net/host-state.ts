// One host's life and its tables: name, address, up/crashed/shut down, and what it has bound.
import { CancelledError, RuntimeShutdownError } from '@runtime-traits/core';
import type { TcpListener } from './listener.js';
import type { TcpEndpoint } from './tcp.js';
import type { SimUdpSocket } from './udp.js';

export type HostStatus = 'up' | 'crashed' | 'shutdown';

export class HostState {
  status: HostStatus = 'up';
  /** Bumped on every crash, so objects of an earlier life can tell they are stale. */
  incarnation = 0;
  // Tables. Invariant: an entry exists exactly while the socket is open in this incarnation.
  /** TCP listeners by port (several per port only when their hosts differ, e.g. 127.0.0.1 and the host's own address). */
  readonly tcpListeners = new Map<number, TcpListener[]>();
  readonly unixListeners = new Map<string, TcpListener>();
  readonly udpSockets = new Map<number, SimUdpSocket[]>();
  /** Open connection ends, for crash and shutdown. */
  readonly endpoints = new Set<TcpEndpoint>();
  /** Ports held by client connections. */
  readonly clientPorts = new Set<number>();
  private nextEphemeral = 49152;

  constructor(readonly name: string, readonly index: number, readonly ip: string) {}

  /** The error a call on this host gets when the host is not up, else undefined. */
  downError(): Error | undefined {
    if (this.status === 'up') return undefined;
    if (this.status === 'shutdown') return new RuntimeShutdownError();
    return new CancelledError(`host ${this.name} has crashed`);
  }

  /** A free port for a client connection, a `port: 0` listener or UDP socket (49152..65535, then wraps). */
  ephemeralPort(): number {
    for (let tries = 0; tries < 16384; tries++) {
      const port = this.nextEphemeral;
      this.nextEphemeral = port >= 65535 ? 49152 : port + 1;
      if (!this.tcpListeners.has(port) && !this.clientPorts.has(port) && !this.udpSockets.has(port)) return port;
    }
    throw new RangeError(`host ${this.name} has no free port left`);
  }
}
