// NodeReactor: a standalone Reactor (clock + net) on this thread's event loop, with close() that releases everything it opened.
/**
 * `@runtime-traits/node/reactor`: `NodeReactor` alone, without the rest of the package (a worker thread
 * that needs only Node's clock and network loads half as many modules through it).
 * @module reactor
 */
import type { Capability, Reactor } from '@runtime-traits/core';
import { detectReusePort, hasReusePort, reactorCapabilities } from './capabilities.js';
import { NodeClock } from './clock.js';
import { NodeNet } from './net.js';

/**
 * A standalone Reactor on this thread's event loop, for code that needs Node's clock and network
 * without an executor (a runtime built on another scheduler, a test). `close()` releases everything it opened.
 */
export class NodeReactor implements Reactor, AsyncDisposable {
  /** Node's timers and `performance.now()`. */
  readonly clock: NodeClock;
  /** node:net, node:tls, node:dgram and node:dns behind the contract's `Net`. */
  readonly net: NodeNet;
  /** What this reactor can do on this Node (net.* only); a runtime built on it adds its executor's. */
  readonly capabilities: ReadonlySet<Capability> = reactorCapabilities();
  private closing: Promise<void> | undefined;

  /** A reactor whose capabilities include `net.reusePort` where this engine has it (probed once per thread). */
  static async create(): Promise<NodeReactor> {
    await detectReusePort();
    return new NodeReactor();
  }

  /** Prefer `NodeReactor.create()`: built before the reusePort probe has run on this thread, it claims no net.reusePort. */
  constructor() {
    this.clock = new NodeClock();
    this.net = new NodeNet(hasReusePort());
  }

  /** Closes listeners, connections and UDP sockets, clears timers (pending sleeps reject RuntimeShutdownError); resolves once all are closed. Idempotent. */
  close(): Promise<void> {
    if (!this.closing) {
      this.clock.close();
      this.closing = this.net.close();
    }
    return this.closing;
  }

  /** `await using`: the same as `close()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
