// The Reactor: a clock and a network, the two things a task waits on.

/** Time: the real clock on most runtimes, a virtual one on the local runtime (`time.virtual`). */
export interface Clock {
  /** Monotonic milliseconds; virtual under a virtual clock. */
  now(): number;
  /** Epoch milliseconds; virtual under a virtual clock. */
  wallClock(): number;
  /**
   * Resolves after `ms` milliseconds (0 resolves on a later turn). Rejects with `CancelledError` when
   * `opts.signal` aborts; `RangeError` for a negative or non-finite `ms`.
   */
  sleep(ms: number, opts?: { signal?: AbortSignal }): Promise<void>;
  /** Ticks every `ms`, yielding `now()`; ends on `break`, rejects with `CancelledError` on abort. */
  interval(ms: number, opts?: { signal?: AbortSignal }): AsyncIterableIterator<number>;
  /** Rejects with `TimeoutError` after `ms`; a function form receives a signal aborted at the deadline. */
  timeout<T>(ms: number, work: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T>)): Promise<T>;
}

/** Where a socket is: an IP address and port, or `path` for a Unix socket. */
export type SocketAddress = {
  /** IP address (or, for `connect`, a host name to resolve). */
  host: string;
  /** Port number, 0–65535. */
  port: number;
} | {
  /** File-system path of a Unix socket. */
  path: string;
};

/**
 * A byte stream to a peer (TCP, TLS or Unix socket). Iterating yields chunks until end of stream;
 * `await using` closes it. Failures reject with `NetError` (`ECONNRESET`, `EPIPE`…).
 */
export interface Connection extends AsyncIterable<Uint8Array>, AsyncDisposable {
  /** This side's address. */
  readonly localAddress: SocketAddress;
  /** The peer's address. */
  readonly remoteAddress: SocketAddress;
  /**
   * The next chunk (at least one byte), or `null` at end of stream. Rejects with `NetError` (`ECONNRESET`…)
   * when the connection fails and `CancelledError` when `opts.signal` aborts.
   */
  read(opts?: { signal?: AbortSignal }): Promise<Uint8Array | null>;
  /**
   * Sends `data` (a string as UTF-8). Resolves once the data is accepted; waits while the peer is not reading
   * (backpressure). Rejects with `NetError` (`EPIPE` after `closeWrite()`, `ECONNRESET`…) or `CancelledError`.
   */
  write(data: Uint8Array | string, opts?: { signal?: AbortSignal }): Promise<void>;
  /** Half-close: the peer reads end of stream, this side can still read. */
  closeWrite(): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;
  /** Resolves once the connection is fully closed, by either side; never rejects. */
  readonly closed: Promise<void>;
}

/** A listening socket. Iterating yields accepted connections until it is closed; `await using` closes it. */
export interface Listener extends AsyncIterable<Connection>, AsyncDisposable {
  /** The bound address; with port 0 it holds the port the system chose. */
  readonly address: SocketAddress;
  /** The next connection, or `null` once the listener is closed. Rejects with `CancelledError` when `opts.signal` aborts. */
  accept(opts?: { signal?: AbortSignal }): Promise<Connection | null>;
  /** Stops listening (idempotent); a pending `accept()` resolves `null`. Connections already accepted stay open. */
  close(): Promise<void>;
}

/** One UDP datagram received. */
export interface Datagram {
  /** The payload. */
  data: Uint8Array;
  /** The sender's address. */
  from: SocketAddress;
}

/** A bound UDP socket. Iterating yields datagrams until it is closed; `await using` closes it. */
export interface UdpSocket extends AsyncIterable<Datagram>, AsyncDisposable {
  /** The bound address; with port 0 it holds the port the system chose. */
  readonly address: SocketAddress;
  /** Sends one datagram (a string is sent as UTF-8). Rejects with `NetError` (`EMSGSIZE` when too big for one datagram). */
  send(data: Uint8Array | string, to: SocketAddress): Promise<void>;
  /** The next datagram, or `null` once the socket is closed. Rejects with `CancelledError` when `opts.signal` aborts. */
  recv(opts?: { signal?: AbortSignal }): Promise<Datagram | null>;
  /** Closes the socket (idempotent); a pending `recv()` resolves `null`. */
  close(): Promise<void>;
}

/** TLS on the client side of `connect` (needs `net.tls`). */
export interface TlsClientOptions {
  /** PEM certificates to trust instead of the system's roots. */
  ca?: string | Uint8Array;
  /** Name to send as SNI and to check the certificate against; defaults to the host connected to. */
  servername?: string;
  /** Default true. */
  rejectUnauthorized?: boolean;
  /** ALPN protocols to offer, in order of preference. */
  alpn?: string[];
}

/** TLS on the server side of `listen` (needs `net.tls`). */
export interface TlsServerOptions {
  /** The server's private key, PEM. */
  key: string | Uint8Array;
  /** The server's certificate chain, PEM. */
  cert: string | Uint8Array;
  /** PEM certificates trusted for client certificates. */
  ca?: string | Uint8Array;
  /** Ask clients for a certificate (verified against `ca`). Default false. */
  requestCert?: boolean;
  /** ALPN protocols the server accepts, in order of preference. */
  alpn?: string[];
}

/** Options of `Net.connect`. */
export interface ConnectOptions {
  /** Aborts the connection attempt: `connect` rejects with `CancelledError`. */
  signal?: AbortSignal;
  /** Disable Nagle's algorithm (TCP_NODELAY), so small writes go out at once. */
  noDelay?: boolean;
  /** Wrap the connection in TLS. */
  tls?: TlsClientOptions;
}

/** Options of `Net.listen`. */
export interface ListenOptions {
  /** Maximum length of the queue of connections not yet accepted. */
  backlog?: number;
  /** Let several listeners bind the same port (SO_REUSEPORT); needs `net.reusePort`, else `UnsupportedError`. */
  reusePort?: boolean;
  /** Serve TLS on every accepted connection. */
  tls?: TlsServerOptions;
}

/** Where to listen: a host and port, or a Unix socket path. */
export type ListenAddress = {
  /** The address to bind; defaults to 127.0.0.1. */
  host?: string;
  /** The port; 0 lets the system choose one (read it from `listener.address`). */
  port: number;
} | {
  /** File-system path of the Unix socket to create. */
  path: string;
};

/**
 * The network. Bad arguments throw `TypeError`/`RangeError` naming them; network failures reject with
 * `NetError` carrying the errno name; an operation the runtime cannot do rejects with `UnsupportedError`.
 */
export interface Net {
  /** Opens a stream to `to` (TLS with `opts.tls`). Rejects with `NetError` (`ECONNREFUSED`, `ENOTFOUND`…) or `CancelledError` on abort. */
  connect(to: SocketAddress, opts?: ConnectOptions): Promise<Connection>;
  /** Starts listening at `at`. Rejects with `NetError` (`EADDRINUSE`, `EACCES`…). */
  listen(at: ListenAddress, opts?: ListenOptions): Promise<Listener>;
  /**
   * Binds a UDP socket (`host` defaults to 127.0.0.1, port 0 lets the system choose). Needs `net.udp`, else
   * `UnsupportedError`; rejects with `NetError` (`EADDRINUSE`…) when the address cannot be bound.
   */
  bindUdp(at: { host?: string; port: number }): Promise<UdpSocket>;
  /** Resolves a host name to its IP addresses (IPv4 and IPv6). Rejects with `NetError` `ENOTFOUND` when there is none. */
  lookup(hostname: string): Promise<string[]>;
}

/** What a task waits on: the clock and the network of one runtime. */
export interface Reactor {
  /** The runtime's clock. */
  readonly clock: Clock;
  /** The runtime's network. */
  readonly net: Net;
}
