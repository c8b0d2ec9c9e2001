// The small protocol between a runtime that owns its own world (a simulated host) and a compat layer that routes Node's APIs to it.
//
// A runtime that schedules everything itself (the local runtime, a Simulation's hosts) can offer
// `HostHooks` under the `HOST_HOOKS` key, so that a layer such as `withNodeApis` can queue a host's
// callbacks (timers, immediates, file IO) as that host's own pending work, in its seeded order,
// and learn of its crash. The two `globalThis` keys go the other way: a layer that patches
// globals publishes the host's original functions (`HOST_ORIGINALS`), which the runtime's own
// machinery keeps using, and the async context a task should start in (`ASYNC_CONTEXT`). A runtime
// whose Net *is* the host's own `node:net` in this thread says so with `NATIVE_NET` on its Net, so
// that such a layer can hand Node code the host's own sockets instead of an adapter over the Net.
// A Connection that can push its bytes to one consumer says so with `PUSH_IO`: a stream adapter
// (node-compat's NodeSocket) then takes each chunk as it arrives instead of a promise per read().
// Nothing here is needed to write a library against the contract: it is for runtime and compat authors.

/** Where a runtime offers its `HostHooks` (a property of the Runtime object). */
export const HOST_HOOKS: unique symbol = Symbol.for('@runtime-traits/host-hooks');

/** Where a compat layer that patched the host's globals publishes their originals (a property of `globalThis`). */
export const HOST_ORIGINALS: unique symbol = Symbol.for('@runtime-traits/host-originals');

/** Where a compat layer publishes how to carry an async context into tasks a runtime starts from its own queue (on `globalThis`). */
export const ASYNC_CONTEXT: unique symbol = Symbol.for('@runtime-traits/async-context');

/**
 * Where a runtime's Net says it is the host's own `node:net` in this thread (a property of the Net):
 * a compat layer may then hand out Node's own sockets and servers, and gives each to the Net, which
 * closes it with everything else it opened at shutdown.
 */
export const NATIVE_NET: unique symbol = Symbol.for('@runtime-traits/native-net');

/**
 * Where a Connection offers push-mode IO (a property of the Connection): see {@link PushIO}. Optional;
 * a consumer that finds none uses `read()` and `write()`.
 */
export const PUSH_IO: unique symbol = Symbol.for('@runtime-traits/push-io');

/** Where a Connection under {@link PushIO} hands what it reads. Each call comes from the runtime's own event, in order. */
export interface PushSink {
  /** A chunk arrived. Return false to stop the deliveries (the Connection stops reading: its peer is pushed back) until `resume()`. */
  data(chunk: Uint8Array): boolean;
  /** The peer ended its side (or the connection closed): nothing more comes. */
  end(): void;
  /** The connection failed (a `NetError`): nothing more comes. */
  error(error: Error): void;
}

/**
 * A Connection's bytes without a promise per read or write, for a stream adapter whose own stream does
 * the flow control. `close()`, `closeWrite()` and the addresses stay the Connection's.
 */
export interface PushIO {
  /**
   * Hands everything the Connection reads from now on to `sink` instead of to `read()`, which is not to
   * be called again. Deliveries start at the first `resume()`; what arrived before comes first. Returns
   * false (and changes nothing) when it cannot: a `read()` is waiting, or a sink is already attached.
   */
  attach(sink: PushSink): boolean;
  /** Starts (or restarts, after `data` returned false) the deliveries. Cheap when they already run. */
  resume(): void;
  /**
   * Writes `data`; `done` runs once its bytes went to the kernel (or with the error that stopped them),
   * at once when that happened inside this call. Writes go out in order; the caller may reuse `data` once done.
   */
  write(data: Uint8Array, done: (error?: Error | null) => void): void;
}

/** A socket or server of the host's own `node:net` (or `node:tls`), as `NativeNet.adopt` takes it. */
export interface NativeResource {
  /** Registers a one-time listener (the resource's 'close' ends its adoption). */
  once(event: 'close', listener: () => void): unknown;
  /** Registers a listener (a server's 'connection' adopts each accepted socket). */
  on(event: string, listener: (...args: never[]) => void): unknown;
}

/** What a Net offers under `NATIVE_NET`. */
export interface NativeNet {
  /** True once the Net has shut down: a compat layer then refuses to connect or listen (`RuntimeShutdownError`) rather than calling Node. */
  readonly closed: boolean;
  /**
   * Takes a socket (after its `connect()` was called) or a server (after its `listen()`) of the host's
   * own net: the Net closes it at shutdown, a server's accepted sockets too, until it has closed for
   * good (one that connects or listens again from its own 'close' listener stays); then `onRelease`
   * runs, once. Returns false once the Net has shut down (the resource is not taken).
   */
  adopt(resource: NativeResource, onRelease?: () => void): boolean;
  /** Gives back a resource that failed before it opened (a server whose listen got EADDRINUSE never emits 'close'); its `onRelease` runs. */
  release(resource: NativeResource): void;
}

/** A host's callbacks as its runtime's own pending work. Every callback is dropped, never called, once the host crashes or shuts down. */
export interface HostHooks {
  /** The world the host lives in (one per Simulation): a new one means a new run. */
  readonly world: object;
  /** The host's name (`localhost` for a lone runtime, the `Simulation.host()` name in a simulation). */
  readonly hostName: string;
  /** True when the runtime's time is virtual: Date, performance.now() and randomness should come from it too. */
  readonly virtual: boolean;
  /** True when a trace is kept: build labels only then. */
  readonly tracing: boolean;
  /**
   * Runs `fn` at `at` (the runtime clock's ms; now if already past) from the runtime's queue; returns a
   * cancel function. A `weak` one (an unref'd timer) does not keep an idle runtime from being idle.
   */
  schedule(at: number, fn: () => void, label: () => string, weak?: boolean): () => void;
  /** Runs `fn` from the runtime's ready queue, in a later turn; returns a cancel function. */
  soon(fn: () => void, label: () => string): () => void;
  /**
   * A foreign wait (file IO): virtual time stands still and idleness stays undecided until the returned
   * function is called; the `then` given to it runs from the ready queue, in the order the holds were taken.
   */
  hold(label: string): (then?: () => void) => void;
  /** A uniform 32-bit unsigned integer from this host's own seeded stream. */
  randomU32(): number;
  /** `fn` runs when the host crashes or shuts down (before its timers and sockets are dropped). Returns a remover. */
  onDown(fn: (reason: 'crash' | 'shutdown') => void): () => void;
  /** An uncaught error of code running on this host: the runtime's run() rejects with it (the whole simulation's). */
  fail(error: unknown): void;
  /** A line in the trace, when one is kept. */
  record(line: string): void;
}

/** The host functions a runtime's own machinery must keep using while a compat layer has patched the globals. */
export interface HostOriginals {
  /** The host's own `setImmediate`, before patching. */
  setImmediate?: (cb: () => void) => unknown;
  /** The host's own `setTimeout`, before patching. */
  setTimeout?: (cb: () => void, ms: number) => unknown;
  /** The host's own `clearTimeout`, before patching. */
  clearTimeout?: (handle: unknown) => void;
  /** The host's own `MessageChannel` constructor, before patching. */
  MessageChannel?: unknown;
  /** The host's own `performance`, before patching. */
  performance?: {
    /** Real monotonic milliseconds. */
    now(): number;
  };
  /** The host's own `Date`, before patching. */
  Date?: {
    /** Real epoch milliseconds. */
    now(): number;
  };
}

/** How a runtime carries the async context of a spawn into the task's start (and of `at()` into its callback). */
export interface AsyncContextHooks {
  /** The context to start a task of `runtime` in, captured at spawn. */
  capture(runtime: object): unknown;
  /** Runs `fn` in a captured context. */
  run<T>(context: unknown, fn: () => T): T;
}
