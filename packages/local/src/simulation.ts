// Simulation: several named hosts on one seeded virtual network, with partitions, loss, crashes and a trace.
//
// Every host is a LocalRuntime sharing one scheduler (one clock, one ready queue, one PRNG), so
// `sim.host('client').run(main)` drives the whole world until `main` settles, and one seed fixes
// every choice: which of the tasks woken at the same instant runs first, each packet's latency,
// each loss. Same seed ⇒ same trace, byte for byte (compare `traceHash()`).
import { RuntimeShutdownError, type RuntimeOptions } from '@runtime-traits/core';
import { checkCount, checkFunction, checkMs, checkOptions, show } from '@runtime-traits/core/kit';
import { ShutdownReason, youngArray } from '@runtime-traits/kit';
import { LocalRuntime, VIRTUAL_EPOCH } from './local-runtime.js';
import { isIp, type Latency, type LinkOptions } from './sim-net/network.js';
import type { TraceEvent } from './trace.js';
import { World } from './world.js';
// Simulation tooling (issue 19): assertions, buggify, the current-simulation pointer, world timers.
import { AssertionRecord, type AssertionSummary, type SimAssertionError } from './assertions.js';
import { checkProbability } from './buggify.js';
import { normalizeSeed, Rng } from './rng.js';
import { announceSimulation, enterSimulation, leaveSimulation, type SimulationContext } from './sim-context.js';
import { WorldTimer } from './world-timer.js';
// Determinism check (issue 14).
import { checkDeterminismWith, type DeterminismOptions, type DeterminismReport } from './determinism.js';

/** Options of `new Simulation()`; invalid values throw `TypeError`/`RangeError` naming the option. */
export interface SimulationOptions extends RuntimeOptions {
  /** Default 1. The seed of a failing run is printed in its error message: pass it here to replay. */
  seed?: number | string;
  /** One-way latency of every link between two hosts, in virtual ms. Default { min: 1, max: 5 }. */
  latency?: Latency;
  /** Probability that a packet between two hosts is lost (TCP: retransmitted later; UDP: gone). Default 0. */
  lossRate?: number;
  /** TCP window per connection, bytes. Default 65536. */
  tcpWindow?: number;
  /** Keep the event log for trace() (default true); false keeps only traceHash(). */
  keepTrace?: boolean;
  /** Virtual time never passes this many ms; a run() still going then rejects TimeoutError naming the seed. Default (and most): the last instant a Date can hold, about 273,755 years after the virtual epoch. */
  maxTime?: number;
}

/** A Simulation's options, checked (TypeError/RangeError naming each), with the defaults filled in. */
function checkSimulationOptions(opts: SimulationOptions | undefined): { options: SimulationOptions; latency: Latency; lossRate: number; tcpWindow: number } {
  const options = checkOptions<SimulationOptions>(opts, 'opts') ?? {};
  const latency = checkLatency(options.latency ?? { min: 1, max: 5 }, 'opts.latency');
  const lossRate = checkRate(options.lossRate ?? 0, 'opts.lossRate');
  const tcpWindow = options.tcpWindow === undefined ? 65536 : checkCount(options.tcpWindow, 'opts.tcpWindow');
  if (options.seed !== undefined) normalizeSeed(options.seed, 'opts.seed');
  if (options.onUnhandledError !== undefined) checkFunction(options.onUnhandledError, 'opts.onUnhandledError');
  if (options.keepTrace !== undefined && typeof options.keepTrace !== 'boolean') throw new TypeError(`opts.keepTrace must be a boolean, got ${show(options.keepTrace)}`);
  if (options.maxTime !== undefined) checkMs(options.maxTime, 'opts.maxTime');
  return { options, latency, lossRate, tcpWindow };
}

/**
 * Several hosts, each a `LocalRuntime`, on one virtual clock and one simulated network with latency,
 * loss, partitions and crashes, all driven by one seed. A failing run's error names the seed; pass it
 * back as `seed` to replay the run exactly.
 */
export class Simulation implements AsyncDisposable, SimulationContext {
  /** The seed every random choice of this simulation comes from. */
  readonly seed: number | string;
  private readonly world: World;
  private readonly hosts = new Map<string, LocalRuntime>();
  private readonly onUnhandledError: RuntimeOptions['onUnhandledError'];
  /** @internal What always/sometimes saw in this simulation. */
  readonly assertions = new AssertionRecord();
  /** buggify's own stream, apart from the scheduler's, so a buggify call does not shift the network's draws. */
  private readonly buggifyRng: Rng;
  private readonly restartHooks = new Map<string, Array<(runtime: LocalRuntime) => void>>();
  /** What this simulation was built with (checkDeterminism builds its fresh ones the same way). */
  private readonly options: SimulationOptions;

  constructor(opts: SimulationOptions = {}) {
    const { options, latency, lossRate, tcpWindow } = checkSimulationOptions(opts);
    this.options = { ...options };
    this.seed = options.seed ?? 1;
    this.onUnhandledError = options.onUnhandledError;
    this.world = new World({
      seed: this.seed,
      clock: 'virtual',
      latency,
      lossRate,
      tcpWindow,
      trace: options.keepTrace ?? true,
      epoch: VIRTUAL_EPOCH,
      namesWithHost: true,
    });
    if (options.maxTime !== undefined) this.world.scheduler.timeLimit = Math.min(checkMs(options.maxTime, 'opts.maxTime'), this.world.latestTime);
    this.buggifyRng = new Rng((normalizeSeed(this.seed) ^ 0x62756767) >>> 0);
    // The free functions buggify/always/sometimes find this simulation while its tasks run (sim-context.ts).
    this.world.scheduler.beforeTurn = () => enterSimulation(this);
    this.world.scheduler.timeOnlyInRuns = true;
    enterSimulation(this);
    announceSimulation(this);
  }

  /**
   * The runtime of host `name`, made on first use; its address is 10.0.x.y and `lookup(name)` finds it.
   * `TypeError` when `name` is empty, has spaces, is `localhost` or an IP address.
   */
  host(name: string): LocalRuntime {
    let runtime = this.hosts.get(name);
    if (runtime) return runtime;
    if (this.world.shutdownReason) throw new RuntimeShutdownError('This simulation has been shut down: it takes no new hosts');
    if (typeof name !== 'string' || name === '' || /\s/.test(name)) throw new TypeError(`name must be a non-empty string without spaces, got ${show(name)}`);
    if (name.toLowerCase() === 'localhost' || isIp(name)) throw new TypeError(`name must be a host name, not ${show(name)}`);
    const n = this.hosts.size + 2;
    const ip = `10.0.${Math.floor(n / 256)}.${n % 256}`;
    const host = this.world.network.addHost(name, ip);
    this.world.scheduler.record(`${name} HOST ${ip}`);
    runtime = new LocalRuntime(this.world, host, { onUnhandledError: this.onUnhandledError }, false);
    this.hosts.set(name, runtime);
    return runtime;
  }

  /** The names of the hosts made so far, in the order they were made. */
  hostNames(): string[] {
    return [...this.hosts.keys()];
  }

  /** Virtual milliseconds since the simulation began. */
  now(): number {
    return this.world.scheduler.now();
  }

  /** Packets between `a` and `b` stop (TCP retransmits until repair or gives up; UDP is dropped). */
  partition(a: string, b: string): void {
    this.open('partition');
    const [ha, hb] = this.pair(a, b);
    this.world.network.link(ha, hb).partitioned = true;
    this.world.scheduler.record(`PARTITION ${a} ${b}`);
  }

  /** Ends a partition between `a` and `b`: packets flow again. `TypeError` when either is not a host of this simulation. */
  repair(a: string, b: string): void {
    this.open('repair');
    const [ha, hb] = this.pair(a, b);
    this.world.network.link(ha, hb).partitioned = false;
    this.world.scheduler.record(`REPAIR ${a} ${b}`);
  }

  /** Latency and loss of the link between `a` and `b` (both directions). */
  setLink(a: string, b: string, opts: LinkOptions): void {
    this.open('setLink');
    const [ha, hb] = this.pair(a, b);
    const options = checkOptions<LinkOptions>(opts) ?? {};
    const link = this.world.network.link(ha, hb);
    if (options.latency !== undefined) link.latency = checkLatency(options.latency, 'opts.latency');
    if (options.lossRate !== undefined) link.lossRate = checkRate(options.lossRate, 'opts.lossRate');
    this.world.scheduler.record(`LINK ${a} ${b} latency ${link.latency.min}..${link.latency.max} loss ${link.lossRate}`);
  }

  /** Host `name` dies: its tasks are cancelled, its listeners vanish, its connections reset at the peers. `TypeError` for an unknown host. */
  crash(name: string): void {
    this.open('crash');
    this.known(name, 'name');
    this.hosts.get(name)!.crash();
  }

  /** A crashed host is up again, empty: spawn its services anew (or let `onRestart` hooks do it). Returns its runtime. */
  restart(name: string): LocalRuntime {
    this.open('restart');
    this.known(name, 'name');
    const runtime = this.hosts.get(name)!;
    const wasDown = runtime.host.status === 'crashed';
    runtime.restart();
    if (wasDown) for (const hook of this.restartHooks.get(name) ?? []) hook(runtime);
    return runtime;
  }

  // ── Simulation tooling (issue 19) ─────────────────────────────────────────
  /** `boot(runtime)` runs each time host `name` restarts after a crash: it starts the host's services again. */
  onRestart(name: string, boot: (runtime: LocalRuntime) => void): void {
    this.known(name, 'name');
    if (typeof boot !== 'function') throw new TypeError(`boot must be a function, got ${show(boot)}`);
    const hooks = this.restartHooks.get(name) ?? youngArray();
    hooks.push(boot);
    this.restartHooks.set(name, hooks);
  }

  /**
   * Runs `fn` at virtual time `time` (ms since the simulation began; now if already past), from the
   * ready queue, owned by no host. Returns a cancel function. Fault plans are scheduled this way.
   * A pending `at` keeps time moving towards it, as any timer does. If `fn` throws, the run fails
   * with that error: every `run()` rejects with it, as after a failed `always`.
   */
  at(time: number, fn: () => void, what = 'AT'): () => void {
    this.open('at');
    checkMs(time, 'time');
    if (typeof fn !== 'function') throw new TypeError(`fn must be a function, got ${show(fn)}`);
    if (typeof what !== 'string' || /[\r\n]/.test(what)) throw new TypeError(`what must be a one-line string, got ${show(what)}`);
    return WorldTimer.schedule(this.world.scheduler, time, what, () => {
      try {
        fn();
      } catch (error) {
        // Owned by no host, so no task's handle can carry it: the run fails with it, as with a failed `always`.
        this.failRun(error instanceof Error ? error : new Error(`sim.at(${time}) threw ${show(error)}`), `AT FAILED ${what}`);
      }
    });
  }

  /** True with probability `p`, from this simulation's seeded buggify stream (see buggify()). */
  buggify(p: number): boolean {
    checkProbability(p);
    if (p === 0) return false;
    const hit = this.buggifyRng.next() < p;
    if (hit) this.world.scheduler.record('BUGGIFY');
    return hit;
  }

  /** What `always`/`sometimes` saw in this simulation so far. */
  assertionSummary(): AssertionSummary {
    return this.assertions.summary();
  }

  /** @internal A failed `always`: traced, and every run() rejects with `error` from now on. */
  failAssertion(error: SimAssertionError): void {
    if (this.world.failure) return;
    this.assertions.failure = error;
    error.seed = this.seed;
    this.failRun(error, `ALWAYS FAILED ${error.assertion}`);
  }

  /** The first failure of the run as a whole: traced, and every run() rejects with `error` from now on. */
  private failRun(error: Error, line: string): void {
    if (this.world.failure) return;
    this.world.tagSeed(error);
    this.world.failure = error;
    this.world.scheduler.record(`${line}: ${error.message.replace(/[\r\n]+/g, ' ')}`);
    this.world.scheduler.alert('failed');
  }

  /**
   * Runs `scenario` on `opts.runs` (default 2) fresh simulations built with this one's options (its
   * seed included), one after another, and compares their traces: equal, it resolves with the trace
   * hash and the first run's result (or rethrows the scenario's error, if every run failed alike);
   * different, it rejects with NondeterminismError showing the first events that differ.
   */
  checkDeterminism<T>(scenario: (sim: Simulation) => T | Promise<T>, opts?: DeterminismOptions): Promise<DeterminismReport<T>> {
    return checkDeterminismWith((o) => new Simulation(o), this.options, scenario, opts);
  }

  /** As the method, with the simulations' options given here (`seed`, `latency`…) beside `runs`. */
  static checkDeterminism<T>(scenario: (sim: Simulation) => T | Promise<T>, opts?: DeterminismOptions & SimulationOptions): Promise<DeterminismReport<T>> {
    const { runs, ...options } = checkOptions<DeterminismOptions & SimulationOptions>(opts, 'opts') ?? {};
    checkSimulationOptions(options); // at the call: a bad one throws here, not from a run later
    return checkDeterminismWith((o) => new Simulation(o), options, scenario, { runs });
  }

  /** Adds a line to the trace, at the current virtual time. */
  note(what: string): void {
    if (typeof what !== 'string' || /[\r\n]/.test(what)) throw new TypeError(`what must be a one-line string, got ${show(what)}`);
    this.world.scheduler.record(what);
  }

  /** The ordered event log: spawns, task starts and ends, wakes, timers, connects, bytes delivered, faults. */
  trace(): TraceEvent[] {
    return this.world.trace!.events();
  }

  /** A hash of the whole trace: equal for equal seeds (and equal programs). */
  traceHash(): string {
    return this.world.trace!.hash();
  }

  /** Shuts every host down and stops the clock. */
  async shutdown(): Promise<void> {
    this.world.shutdownReason ??= new ShutdownReason(); // one set of errors for every host
    await Promise.all([...this.hosts.values()].map((runtime) => runtime.shutdown()));
    this.world.scheduler.stop();
    leaveSimulation(this);
  }

  /** `await using`: the same as `shutdown()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  /**
   * Two different hosts of this simulation. A host's traffic with itself is loopback, which no link
   * carries: partition(a, a) or setLink(a, a) was traced and changed nothing.
   */
  private pair(a: string, b: string) {
    const pair = [this.known(a, 'a'), this.known(b, 'b')] as const;
    if (a === b) throw new TypeError(`b must be another host than a (a host's traffic with itself is loopback, on no link), got ${show(b)} twice`);
    return pair;
  }

  /** `RuntimeShutdownError` once shut down: a fault or an `at` then would change nothing, silently. */
  private open(what: string): void {
    if (this.world.shutdownReason) throw new RuntimeShutdownError(`This simulation has been shut down: ${what}() would change nothing`);
  }

  private known(name: string, arg: string) {
    const runtime = this.hosts.get(name);
    if (!runtime) throw new TypeError(`${arg} must name a host of this simulation, got ${show(name)}`);
    return runtime.host;
  }
}

function checkLatency(value: unknown, arg: string): Latency {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${arg} must be { min, max } in ms, got ${show(value)}`);
  let v: Latency;
  try {
    v = { min: (value as Latency).min, max: (value as Latency).max }; // each field read once (a getter or proxy trap may throw)
  } catch (error) {
    throw new TypeError(`${arg} could not be read: ${show(error)}`, { cause: error });
  }
  if (typeof v.min !== 'number' || typeof v.max !== 'number') throw new TypeError(`${arg} must be { min, max } in ms, got ${show(value)}`);
  if (!Number.isFinite(v.min) || !Number.isFinite(v.max) || v.min < 0 || v.max < v.min) {
    throw new RangeError(`${arg} must have 0 <= min <= max, got { min: ${v.min}, max: ${v.max} }`);
  }
  return { min: v.min, max: v.max };
}

function checkRate(value: unknown, arg: string): number {
  if (typeof value !== 'number') throw new TypeError(`${arg} must be a number from 0 to 1, got ${show(value)}`);
  if (!(value >= 0 && value < 1)) throw new RangeError(`${arg} must be >= 0 and < 1, got ${value}`);
  return value;
}
