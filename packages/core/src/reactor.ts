// The Reactor: a clock and a network, the two things a task waits on.

export interface Clock {
  /** Monotonic milliseconds; virtual under a virtual clock. */
  now(): number;
  /** Epoch milliseconds; virtual under a virtual clock. */
  wallClock(): number;
  sleep(ms: number, opts?: { signal?: AbortSignal }): Promise<void>;
  /** Ticks every `ms`, yielding `now()`; ends on `break`, rejects with `CancelledError` on abort. */
  interval(ms: number, opts?: { signal?: AbortSignal }): AsyncIterableIterator<number>;
  /** Rejects with `TimeoutError` after `ms`; a function form receives a signal aborted at the deadline. */
  timeout<T>(ms: number, work: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T>)): Promise<T>;
}

/** `path` is a Unix socket. */
export type SocketAddress = { host: string; port: number } | { path: string };

export interface Connection extends AsyncIterable<Uint8Array>, AsyncDisposable {
  readonly localAddress: SocketAddress;
  readonly remoteAddress: SocketAddress;
  /** The next chunk, or `null` at end of stream. */
  read(opts?: { signal?: AbortSignal }): Promise<Uint8Array | null>;
  /** Resolves once the data is accepted; waits while the peer is not reading (backpressure). */
  write(data: Uint8Array | string, opts?: { signal?: AbortSignal }): Promise<void>;
  /** Half-close: the peer reads end of stream, this side can still read. */
  closeWrite(): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;
  readonly closed: Promise<void>;
}

export interface Listener extends AsyncIterable<Connection>, AsyncDisposable {
  readonly address: SocketAddress;
  /** The next connection, or `null` once the listener is closed. */
  accept(opts?: { signal?: AbortSignal }): Promise<Connection | null>;
  close(): Promise<void>;
}

export interface Datagram {
  data: Uint8Array;
  from: SocketAddress;
}

export interface UdpSocket extends AsyncIterable<Datagram>, AsyncDisposable {
  readonly address: SocketAddress;
  send(data: Uint8Array | string, to: SocketAddress): Promise<void>;
  /** The next datagram, or `null` once the socket is closed. */
  recv(opts?: { signal?: AbortSignal }): Promise<Datagram | null>;
  close(): Promise<void>;
}

export interface TlsClientOptions {
  ca?: string | Uint8Array;
  servername?: string;
  /** Default true. */
  rejectUnauthorized?: boolean;
  alpn?: string[];
}

export interface TlsServerOptions {
  key: string | Uint8Array;
  cert: string | Uint8Array;
  ca?: string | Uint8Array;
  requestCert?: boolean;
  alpn?: string[];
}

export interface ConnectOptions {
  signal?: AbortSignal;
  noDelay?: boolean;
  tls?: TlsClientOptions;
}

export interface ListenOptions {
  backlog?: number;
  reusePort?: boolean;
  tls?: TlsServerOptions;
}

/** `host` defaults to 127.0.0.1. */
export type ListenAddress = { host?: string; port: number } | { path: string };

export interface Net {
  connect(to: SocketAddress, opts?: ConnectOptions): Promise<Connection>;
  listen(at: ListenAddress, opts?: ListenOptions): Promise<Listener>;
  bindUdp(at: { host?: string; port: number }): Promise<UdpSocket>;
  lookup(hostname: string): Promise<string[]>;
}

export interface Reactor {
  readonly clock: Clock;
  readonly net: Net;
}
