// Scope: one runtime as seen by the Node code withNodeApis runs on it — a process-like life (open, ended, dead) and what it holds.
//
// One scope per runtime at a time (every withNodeApis call on a runtime while its scope is live
// joins it: a host is one process). Its life, as a Node process's:
//   open  — while a withNodeApis `fn` is still running, or it holds ref'd work: an armed timer, a
//           connecting or open socket, a listening server (what keeps a Node process alive);
//   ended — both gone: what is left is unref'd (undici's idle keep-alive sockets, unref'd timers)
//           and is closed and cleared, as a process exiting takes it along. The check runs one
//           turn later (from the runtime's own queue on a simulated host, so it is in the trace),
//           and again if closing things made new work;
//   dead  — the runtime shut down or its simulated host crashed (HostHooks.onDown; without hooks, a
//           pending clock sleep rejecting RuntimeShutdownError, see watchShutdown): everything is
//           dropped at once and nothing of the scope runs again — no timer, no socket event, no
//           callback, not even the rejection of a pending promise (frozen, as a dead process).
// Code that still carries an ended scope (a foreign promise that settles late) finds its runtime's
// live scope, or reopens one. While any scope is open or ended-but-not-yet-checked, Node's APIs are
// patched (see apis/install.ts); the last one to go takes the patches away, a macrotask later.
import type { HostHooks, NativeNet, Reactor, Runtime } from '@runtime-traits/core';
import { HOST_HOOKS, NATIVE_NET, RuntimeShutdownError, UnsupportedError } from '@runtime-traits/core';
import type { ResourceOwner } from '../internal/owner.js';
import { realLater } from '../apis/originals.js';
import { currentScope, outside } from './context.js';
import { HostLoop } from './host-loop.js';
import { scopeReactor } from './scope-reactor.js';

export type ScopeState = 'open' | 'ended' | 'dead';

/** Taken by every live scope: while one is held, Node's APIs are patched. */
export interface PatchLease {
  acquire(scope: Scope): void;
  release(): void;
}

/** Something a scope drops when it dies and clears when it ends unref'd (its timers). */
export interface ScopeTimer {
  hasRef(): boolean;
  /** Disarms without running, as clearTimeout. */
  drop(): void;
}

interface Held {
  refed: boolean;
  teardown: () => void;
  /** A socket, not a server. */
  connection: boolean;
}

const live = new Map<Runtime, Scope>();
let lease: PatchLease | undefined;

/** The hooks a runtime offers (the local runtime does), or undefined. */
function hooksOf(runtime: Runtime): HostHooks | undefined {
  const hooks = (runtime as unknown as { [HOST_HOOKS]?: HostHooks })[HOST_HOOKS];
  return typeof hooks === 'object' && hooks !== null && typeof hooks.schedule === 'function' ? hooks : undefined;
}

/** The runtime's Net, when it is node:net itself in this thread (it says so under NATIVE_NET): the node runtime's, a worksteal worker's. */
function nativeOf(runtime: Runtime): NativeNet | undefined {
  const facet = (runtime.reactor.net as unknown as { [NATIVE_NET]?: NativeNet })[NATIVE_NET];
  return typeof facet === 'object' && facet !== null && typeof facet.adopt === 'function' ? facet : undefined;
}

export class Scope implements ResourceOwner {
  readonly hooks: HostHooks | undefined;
  /** The host's name in a simulation, else the runtime's name: for messages and the trace. */
  readonly name: string;
  /** A simulated world: what would reach the real one (a real socket, a worker, TLS without net.tls) is refused. */
  readonly closedWorld: boolean;
  /** Virtual time: Date, performance.now(), randomness and file IO go through the runtime too. */
  readonly virtual: boolean;
  /** The runtime's reactor, its calls made outside every scope (so a runtime built on Node gets Node's own APIs). */
  readonly reactor: Reactor;
  /** The host's event loop, for a runtime that offers HostHooks; otherwise timers are Node's own. */
  readonly loop: HostLoop | undefined;
  /**
   * Set when the runtime's Net is node:net itself and the runtime schedules nothing of its own (no
   * HostHooks): Node code then gets node:net's own sockets and servers, adopted by the runtime's Net.
   */
  readonly native: NativeNet | undefined;
  state: ScopeState = 'open';
  /** Armed timers of this scope (cleared when it ends or dies). */
  readonly timers = new Set<ScopeTimer>();
  /** Library singletons re-homed into this scope (apis/library-state.ts), by the global they stand for. */
  readonly library = new Map<object, unknown>();
  /** Ids handed out by Timeout[Symbol.toPrimitive], so clearTimeout(id) finds the timer (deterministic per scope). */
  readonly timerIds = new Map<number, { drop(): void }>();
  /** Timer ids (Timeout's toPrimitive): per scope, so a simulated host's do not depend on what else ran; from 2^40, past Node's own. */
  nextTimerId = 2 ** 40;
  private pending = 0;
  private refs = 0;
  /** Held connections (not servers) that are ref'd: while any is open, the loop's unref'd timers keep the host busy. */
  private connections = 0;
  private readonly held = new Map<object, Held>();
  private checking = false;
  private readonly offDown: (() => void) | undefined;
  /** Without HostHooks: the clock sleep that learns of the runtime's shutdown (see watchShutdown). */
  private shutdownWatch: AbortController | undefined;
  private watchCheckQueued = false;
  /** Dead, its native sockets and servers still closing: the patch lease is released when the last one is. */
  private leaseUntilReleased = false;

  private constructor(readonly runtime: Runtime) {
    this.hooks = hooksOf(runtime);
    const caps = runtime.capabilities;
    this.virtual = this.hooks?.virtual === true;
    this.closedWorld = this.virtual || caps.has('net.simulated');
    this.name = this.hooks?.hostName ?? runtime.name;
    this.reactor = scopeReactor(runtime.reactor);
    this.loop = this.hooks ? new HostLoop(this.hooks, runtime.reactor.clock) : undefined;
    this.native = this.hooks === undefined && !this.closedWorld ? nativeOf(runtime) : undefined;
    lease!.acquire(this); // (before the rest: an engine it cannot patch throws, and nothing of this scope stays behind)
    this.offDown = this.hooks?.onDown((reason) => this.die(reason));
    live.set(runtime, this);
  }

  /** The patches every live scope holds (set once by withNodeApis). */
  static useLease(patches: PatchLease): void {
    lease = patches;
  }

  /** False for a runtime that cannot carry Node's timers in its own time (virtual time without HostHooks). */
  static canHost(runtime: Runtime): boolean {
    return !runtime.capabilities.has('time.virtual') || hooksOf(runtime) !== undefined;
  }

  /** The live scope of `runtime`, or a new one. */
  static of(runtime: Runtime): Scope {
    return live.get(runtime) ?? new Scope(runtime);
  }

  /** The scope the code running now belongs to: an ended one hands over to its runtime's live (or a reopened) scope. */
  static active(): Scope | undefined {
    const scope = currentScope();
    if (scope === undefined || scope.state !== 'ended') return scope;
    return Scope.of(scope.runtime);
  }

  /** How many scopes are live (for tests and the install bookkeeping). */
  static get liveCount(): number {
    return live.size;
  }

  // ── life ──────────────────────────────────────────────────────────────────
  /** A withNodeApis `fn` starts running in this scope. */
  enter(): void {
    this.pending++;
  }

  /** …and has settled. */
  leave(): void {
    this.pending--;
    this.settle();
  }

  /** A ref'd timer or handle is now pending. */
  ref(): void {
    this.refs++;
    if (this.shutdownWatch === undefined && this.hooks === undefined) this.watchShutdown();
  }

  unref(): void {
    this.refs--;
    if (this.refs === 0 && this.shutdownWatch !== undefined) this.unwatchWhenIdle();
    this.settle();
  }

  /**
   * A runtime without HostHooks (node, worksteal) never calls onDown, yet the scope's timers are Node's
   * own and would outlive its shutdown: an interval would keep firing and keep the process from exiting.
   * Every runtime's clock rejects its pending sleeps with RuntimeShutdownError when it shuts down, so
   * while the scope holds ref'd work (which keeps the process alive anyway: the sleep's own timer changes
   * nothing) one long sleep waits for that, and the scope dies with the runtime.
   */
  private watchShutdown(): void {
    // A runtime already shut down (a native Net says so): its scope lives on, its connects failing as its Net's would.
    if (this.state !== 'open' || this.native?.closed === true) return;
    const watch = new AbortController();
    this.shutdownWatch = watch;
    let sleeping: Promise<void>;
    try {
      sleeping = this.reactor.clock.sleep(2 ** 31 - 1, { signal: watch.signal });
    } catch {
      this.shutdownWatch = undefined; // a clock that refuses the sleep: no watch, as before
      return;
    }
    sleeping.then(
      () => { // ~25 days passed: watch again
        if (this.shutdownWatch !== watch) return;
        this.shutdownWatch = undefined;
        if (this.refs > 0) this.watchShutdown();
      },
      (error: unknown) => {
        if (this.shutdownWatch === watch) this.shutdownWatch = undefined;
        if (RuntimeShutdownError.is(error)) this.die('shutdown');
      },
    );
  }

  /** Nothing ref'd is left: stops the watch a turn later if that is still so (a timer re-armed in the same turn keeps it). */
  private unwatchWhenIdle(): void {
    if (this.watchCheckQueued) return;
    this.watchCheckQueued = true;
    outside(() => realLater(() => {
      this.watchCheckQueued = false;
      if (this.refs === 0) this.stopWatch();
    }));
  }

  private stopWatch(): void {
    const watch = this.shutdownWatch;
    this.shutdownWatch = undefined;
    watch?.abort();
  }

  /** Runs `fn` a turn later: from the runtime's queue on a host with hooks (deterministic), else Node's setImmediate. */
  later(fn: () => void, what: string): void {
    if (this.hooks) this.hooks.soon(fn, () => `${this.name} node ${what}`);
    else outside(() => realLater(fn));
  }

  /** An uncaught error of the scope's callbacks: the simulation's run() rejects with it; elsewhere, as Node does, an uncaught exception. */
  uncaught(error: unknown): void {
    if (this.hooks) this.hooks.fail(error);
    else process.nextTick(() => { throw error; });
  }

  /** A line in the trace (hosts with hooks that keep one). */
  note(line: string): void {
    if (this.hooks?.tracing) this.hooks.record(`node ${line}`);
  }

  private settle(): void {
    if (this.state !== 'open' || this.pending > 0 || this.refs > 0 || this.checking) return;
    this.checking = true;
    this.later(() => {
      this.checking = false;
      this.tryEnd();
    }, 'scope idle');
  }

  private tryEnd(): void {
    if (this.state !== 'open' || this.pending > 0 || this.refs > 0) return;
    // Only unref'd work is left: a process with nothing else to do exits and takes it along.
    for (const timer of [...this.timers]) timer.drop();
    this.loop?.clear();
    for (const { teardown } of [...this.held.values()]) teardown();
    if (this.refs > 0 || this.pending > 0) return; // closing them started new work: wait for it (settle runs again)
    this.finish('ended');
  }

  /** The runtime shut down or the host crashed: nothing of this scope runs again. */
  die(reason: 'crash' | 'shutdown'): void {
    if (this.state === 'dead') return;
    this.note(`scope dies (${reason})`);
    const wasLive = this.state === 'open';
    this.state = 'dead';
    for (const timer of [...this.timers]) timer.drop();
    this.timers.clear();
    this.loop?.clear();
    // A native Net closes the scope's sockets and servers itself, and their 'close' events (a library
    // reconnecting from one: ioredis) come after this: Node's APIs stay patched until each is released,
    // so that code finds this dead scope (timers inert, connects failing) rather than plain Node, where
    // it would reconnect for real, for ever, and keep the process alive.
    const closing = this.native !== undefined && this.held.size > 0;
    if (!closing) this.held.clear();
    this.connections = 0;
    if (wasLive) this.finish('dead', closing);
  }

  private finish(state: ScopeState, keepLease = false): void {
    this.state = state;
    this.offDown?.();
    this.stopWatch();
    if (live.get(this.runtime) === this) live.delete(this.runtime);
    if (keepLease) this.leaseUntilReleased = true;
    else lease!.release();
  }

  // ── ResourceOwner: sockets and servers ────────────────────────────────────
  get frozen(): boolean {
    return this.state === 'dead';
  }

  track(resource: object, teardown: () => void, connection = false): void {
    if (this.held.has(resource) || this.state === 'dead') return;
    this.held.set(resource, { refed: true, teardown, connection });
    this.ref();
    if (connection) this.countConnection(1);
  }

  untrack(resource: object): void {
    const h = this.held.get(resource);
    if (!h) return;
    this.held.delete(resource);
    if (this.state === 'dead') {
      if (this.leaseUntilReleased && this.held.size === 0) {
        this.leaseUntilReleased = false;
        lease!.release();
      }
      return;
    }
    if (!h.refed) return;
    if (h.connection) this.countConnection(-1);
    this.unref();
  }

  setRef(resource: object, refed: boolean): void {
    const h = this.held.get(resource);
    if (!h || h.refed === refed) return;
    h.refed = refed;
    if (h.connection) this.countConnection(refed ? 1 : -1);
    if (refed) this.ref();
    else this.unref();
  }

  private countConnection(delta: number): void {
    this.connections += delta;
    this.loop?.keepAlive(this.connections > 0);
  }

  checkUse(what: string): Error | undefined {
    const here = currentScope();
    if (here === undefined || here === this || here.runtime === this.runtime || !here.closedWorld || !this.closedWorld) return undefined;
    return new UnsupportedError('net.simulated', `A socket of host ${this.name} cannot be ${what} from code running on host ${here.name}: `
      + 'something shared between hosts (a process-wide connection pool?) carried it across. Give each host its own client or agent.');
  }
}
