// LocalRuntime: one thread, its own deterministic ready queue, a virtual (or real) clock and a simulated network.
import type {
  Awaitable, Capability, HostHooks, Reactor, Runtime, RuntimeMetrics, RuntimeOptions, ShutdownOptions, Task, TaskContext,
} from '@runtime-traits/core';
import { CAPABILITIES, CancelledError, DeadlockError, HOST_HOOKS, TimeoutError } from '@runtime-traits/core';
import { checkCount, checkFunction, checkMs, checkOptions, checkShutdownOptions, show } from '@runtime-traits/core/kit';
import { cellOf, ShutdownReason, TaskCell, TaskSet } from '@runtime-traits/kit';
import { normalizeSeed } from './rng.js';
import { ForeignReactor } from './foreign-reactor.js';
import { LocalHostHooks } from './host-hooks.js';
import { Flow } from './sim-net/flow.js';
import type { HostState } from './sim-net/host-state.js';
import { HostClock } from './time/host-clock.js';
import { LocalExecutor } from './local-executor.js';
import { SimNet } from './sim-net/sim-net.js';
import { World, type WorldMember } from './world.js';

/** Options of `LocalRuntime.create()`; invalid values throw `TypeError`/`RangeError` naming the option. */
export interface LocalRuntimeOptions extends RuntimeOptions {
  /** Fixes every random choice (order of tasks woken together, latency, loss). Default 1. */
  seed?: number | string;
  /** 'virtual' (default): time jumps to the next timer once every task is idle. 'real': wall time. */
  clock?: 'virtual' | 'real';
  /**
   * Drive another runtime's reactor (e.g. `new NodeReactor()`) instead of the simulated network.
   * Time is then that reactor's clock (real time), and deadlock detection is off (real IO is foreign).
   */
  reactor?: Reactor;
  /** What the given `reactor` can do. Default: net.tcp, net.udp, net.dns. */
  reactorCapabilities?: Iterable<Capability>;
  /** Bytes a TCP connection may have in flight (sent, not yet read by the peer) before write() waits. Default 65536. */
  tcpWindow?: number;
  /** Keep an event trace: true (the log and its hash), false (hash only). Default: no trace. */
  trace?: boolean;
  /** Virtual time never passes this many ms; a run() still going then rejects TimeoutError. Default (and most): the last instant a Date can hold, about 273,755 years after the virtual epoch. */
  maxTime?: number;
}

/**
 * `opts.reactorCapabilities`: an iterable of capability names, read once into an array. Else a string
 * became its characters, a number threw "is not iterable" from inside create(), a misspelt name was kept.
 */
function checkCapabilities(value: unknown): Capability[] {
  let names: unknown[];
  try {
    if (typeof value === 'string' || typeof (value as Partial<Iterable<unknown>> | null)?.[Symbol.iterator] !== 'function') {
      throw new TypeError(`opts.reactorCapabilities must be an iterable of capability names, got ${show(value)}`);
    }
    names = [...(value as Iterable<unknown>)];
  } catch (error) {
    if (error instanceof TypeError && error.message.startsWith('opts.reactorCapabilities')) throw error;
    throw new TypeError(`opts.reactorCapabilities could not be read: ${error instanceof Error ? error.message : show(error)}`, { cause: error });
  }
  names.forEach((name, i) => {
    if (!(CAPABILITIES as readonly unknown[]).includes(name)) {
      throw new TypeError(`opts.reactorCapabilities[${i}] must be a capability name (${CAPABILITIES.join(', ')}), got ${show(name)}`);
    }
  });
  return names as Capability[];
}

/** Default wallClock() at virtual time 0: 2000-01-01T00:00:00Z, the same on every run. */
export const VIRTUAL_EPOCH = 946_684_800_000;

/** A host's own clock and network: a class rather than an object literal, so V8 never pretenures it (see kit's youngArray). */
class HostReactor implements Reactor {
  constructor(readonly clock: HostClock, readonly net: SimNet) {}
}

class TracedTaskSet extends TaskSet {
  record: ((line: string) => void) | undefined;
  override settled(cell: TaskCell<unknown>): void {
    super.settled(cell);
    this.record?.(`task ${cell.id}${cell.name === undefined ? '' : ` (${cell.name})`} ${cell.state}`);
  }
}

/**
 * A single-threaded deterministic runtime: its own ready queue, a virtual clock that jumps to the next
 * timer once every task is idle, and a simulated network; one seed fixes every random choice, so a run
 * replays exactly. When every task waits on something that can never happen, `run()` rejects with
 * `DeadlockError` naming them. Made by `LocalRuntime.create()` alone, or one per host by `Simulation.host()`.
 */
export class LocalRuntime implements Runtime, WorldMember {
  readonly executor: LocalExecutor;
  readonly reactor: Reactor;
  readonly capabilities: ReadonlySet<Capability>;
  private readonly tasks: TracedTaskSet;
  private readonly foreign: ForeignReactor | undefined;
  private shuttingDown: Promise<void> | undefined;
  private hostHooks: LocalHostHooks | undefined;

  /** 'local' (a getter on the prototype, so a subclass may give its own). */
  get name(): string {
    return 'local';
  }

  /** A started runtime (of the class it is called on: a subclass's `create()` makes the subclass). */
  static async create<T extends LocalRuntime>(
    this: new (world: World, host: HostState, options: LocalRuntimeOptions, ownsWorld: boolean) => T,
    opts: LocalRuntimeOptions = {},
  ): Promise<T> {
    const options = checkOptions<LocalRuntimeOptions>(opts, 'opts') ?? {};
    if (options.clock !== undefined && options.clock !== 'virtual' && options.clock !== 'real') {
      throw new TypeError(`opts.clock must be 'virtual' or 'real', got ${show(options.clock)}`);
    }
    if (options.onUnhandledError !== undefined) checkFunction(options.onUnhandledError, 'opts.onUnhandledError');
    if (options.reactor !== undefined && !isReactor(options.reactor)) {
      throw new TypeError(`opts.reactor must be a Reactor ({ clock, net }), got ${show(options.reactor)}`);
    }
    const window = options.tcpWindow === undefined ? 65536 : checkCount(options.tcpWindow, 'opts.tcpWindow');
    if (options.seed !== undefined) normalizeSeed(options.seed, 'opts.seed');
    // (a truthy string such as 'false' would keep the whole event log)
    if (options.trace !== undefined && typeof options.trace !== 'boolean') throw new TypeError(`opts.trace must be a boolean, got ${show(options.trace)}`);
    if (options.reactorCapabilities !== undefined) options.reactorCapabilities = checkCapabilities(options.reactorCapabilities);
    const world = new World({
      seed: options.seed ?? 1,
      clock: options.reactor ? 'real' : options.clock ?? 'virtual',
      latency: { min: 0, max: 0 },
      lossRate: 0,
      tcpWindow: window,
      trace: options.trace === undefined ? null : options.trace,
      epoch: VIRTUAL_EPOCH,
      namesWithHost: false,
    });
    if (options.maxTime !== undefined) world.scheduler.timeLimit = Math.min(checkMs(options.maxTime, 'opts.maxTime'), world.latestTime);
    const host = world.network.addHost('localhost', '127.0.0.1');
    return new this(world, host, options, true);
  }

  /** @internal Use LocalRuntime.create() or Simulation.host(). */
  constructor(
    /** @internal */ readonly world: World,
    /** @internal */ readonly host: HostState,
    options: LocalRuntimeOptions,
    private readonly ownsWorld: boolean,
  ) {
    world.members.push(this);
    this.tasks = new TracedTaskSet(this, options.onUnhandledError);
    const scheduler = world.scheduler;
    if (world.trace) this.tasks.record = (line) => scheduler.record(`${host.name} ${line}`);
    this.executor = new LocalExecutor(this.tasks, scheduler, host, !options.reactor && world.virtual);
    if (options.reactor) {
      this.foreign = new ForeignReactor(options.reactor);
      this.reactor = this.foreign;
      this.capabilities = new Set<Capability>([...(options.reactorCapabilities ?? ['net.tcp', 'net.udp', 'net.dns'])]);
    } else {
      const epoch = world.virtual ? world.options.epoch : undefined;
      this.reactor = new HostReactor(new HostClock(scheduler, host, epoch), new SimNet(world.network, host));
      this.capabilities = world.capabilities();
    }
  }

  /** The host this runtime is: `localhost` alone, the name given to `Simulation.host()` in a simulation. */
  get hostName(): string {
    return this.host.name;
  }

  /** For compat layers (node-compat's withNodeApis): this host's callbacks as its own pending work. See core's host-integration.ts. */
  get [HOST_HOOKS](): HostHooks {
    return this.hostHooks ??= new LocalHostHooks(this.world, this.host, !this.foreign && this.world.virtual, this.foreign?.clock);
  }

  /** The event log kept with `trace: true` (empty otherwise). In a Simulation: the whole simulation's. */
  trace(): string[] {
    return this.world.trace?.events() ?? [];
  }

  /** The hash of the event trace, or undefined without `trace`. Equal seeds give equal hashes. */
  traceHash(): string | undefined {
    return this.world.trace?.hash();
  }

  /** Virtual (or real) milliseconds since the runtime started. */
  now(): number {
    return this.world.scheduler.now();
  }

  run<T>(main: (cx: TaskContext) => Awaitable<T>): Promise<T> {
    checkFunction(main, 'main');
    let task: Task<T>;
    try {
      task = this.executor.spawnLocal(main, { name: 'main' });
    } catch (error) {
      return Promise.reject(error); // shut down or crashed: run() rejects, it does not throw
    }
    // Deadlock detection needs a closed world: virtual time. With real time (or a foreign reactor)
    // waiting on the outside world is normal, and a macrotask turn proves nothing.
    if (this.foreign || !this.world.virtual) return Promise.resolve(task);
    return new Promise<T>((resolve, reject) => {
      // A failed `always` assertion (Simulation.failAssertion) fails every run() at once.
      if (this.world.failure) { reject(this.world.failure); return; }
      const unwatch = this.world.scheduler.watchIdle((why) => {
        if (cellOf(task).isSettled()) return;
        unwatch();
        reject(why === 'idle' ? this.deadlock() : why === 'limit' ? this.overLimit() : this.world.failure);
      });
      task.then((value) => { unwatch(); resolve(value); }, (error: unknown) => { unwatch(); reject(this.world.tagSeed(error)); });
    });
  }

  shutdown(opts?: ShutdownOptions): Promise<void> {
    const graceMs = checkShutdownOptions(opts);
    this.shuttingDown ??= this.stop(graceMs);
    return this.shuttingDown;
  }

  /** `await using`: the same as `shutdown()` with no grace period. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  metrics(): RuntimeMetrics {
    let pending = 0;
    for (const cell of this.tasks.live) if (cell.state === 'pending') pending++;
    const scheduler = this.world.scheduler;
    return {
      ...this.tasks.counters(pending),
      virtualTime: this.world.virtual ? scheduler.now() : undefined,
      turns: scheduler.turns,
      woken: scheduler.woken,
      timers: scheduler.timers.size,
    };
  }

  /** @internal Names of this host's unsettled tasks. */
  stuckTasks(): string[] {
    return [...this.tasks.live].sort((a, b) => a.id - b.id).map((cell) => cell.name ?? `task ${cell.id}`);
  }

  /** @internal The host crashes: tasks cancelled, timers dropped, sockets gone, peers reset. */
  crash(): void {
    const host = this.host;
    if (host.status !== 'up') return;
    host.status = 'crashed';
    host.incarnation++;
    this.world.scheduler.record(`${host.name} CRASH`);
    this.hostHooks?.down('crash');
    const error = new CancelledError(`host ${host.name} crashed`);
    this.dropHost(() => error, true);
    for (const cell of [...this.tasks.live]) cell.forceCancel(error);
  }

  /** @internal A crashed host comes back empty: no tasks, no sockets, fresh ports. */
  restart(): void {
    if (this.host.status !== 'crashed') return;
    this.host.status = 'up';
    this.world.scheduler.record(`${this.host.name} RESTART`);
  }

  private async stop(graceMs: number): Promise<void> {
    const sleep = (ms: number, signal: AbortSignal): Promise<void> => this.reactor.clock.sleep(ms, { signal });
    const reason = this.world.shutdownReason ?? new ShutdownReason();
    await this.tasks.shutdown(graceMs, sleep, reason);
    this.hostHooks?.down('shutdown');
    if (this.foreign) {
      await this.foreign.shutdown();
    } else {
      const host = this.host;
      this.world.scheduler.record(`${host.name} SHUTDOWN`);
      host.status = 'shutdown'; // for good, even after a crash
      this.dropHost(() => reason.error, false);
    }
    if (this.ownsWorld) this.world.scheduler.stop();
  }

  /**
   * Rejects the host's timers with `reason()` and closes its sockets (crash: peers get RST). The error
   * is made once, and only if something needs it (an error's stack costs microseconds). A shutdown
   * keeps what its connections already sent travelling (data, then FIN), as a process that exits
   * leaves its kernel to deliver what it wrote; a crash loses it (Flow.abandon).
   */
  private dropHost(reason: () => Error, crash: boolean): void {
    const host = this.host;
    const index = host.index;
    let error: Error | undefined;
    const why = (): Error => (error ??= reason());
    const dropped = this.world.scheduler.timers.removeWhere((t) => t.owner === index && (crash || !(t instanceof Flow)));
    for (const timer of dropped) timer.abandon?.(why());
    for (const list of [...host.tcpListeners.values()]) for (const listener of list) void listener.close();
    for (const listener of [...host.unixListeners.values()]) void listener.close();
    for (const list of [...host.udpSockets.values()]) for (const socket of list) void socket.close();
    for (const end of [...host.endpoints]) {
      if (crash) end.die(why());
      else end.closeAtShutdown();
    }
    host.clientPorts.clear();
  }

  private overLimit(): TimeoutError {
    const limit = this.world.scheduler.timeLimit;
    const stuck = this.world.stuckTasks();
    const error = new TimeoutError(`The simulation reached its virtual time limit of ${limit} ms (still running: ${stuck.join(', ')})`);
    return this.world.tagSeed(error) as TimeoutError;
  }

  private deadlock(): DeadlockError {
    const stuck = this.world.stuckTasks();
    return this.world.tagSeed(new DeadlockError(stuck)) as DeadlockError;
  }
}

/** A `{ clock, net }` object; false for anything else, a proxy whose traps throw included. */
function isReactor(value: unknown): boolean {
  try {
    const r = value as Reactor;
    return typeof r === 'object' && r !== null && typeof r.clock === 'object' && typeof r.net === 'object';
  } catch {
    return false;
  }
}
