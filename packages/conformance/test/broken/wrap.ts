// A runtime that delegates everything to a good one, with hook points where a single fault can be planted.
import type {
  Capability, Clock, Connection, Executor, Listener, Net, Reactor, Runtime, RuntimeMetrics, RuntimeOptions,
  ShutdownOptions, Task, TaskContext, UdpSocket,
} from '@runtime-traits/core';

/** One fault = a few of these overrides. Each receives the good object and returns replacements. */
export interface Fault {
  /** What the fault does, shown in the report. */
  description: string;
  /** The suite's areas to run against it (a mocha grep on the full title); default: the whole suite. */
  area?: string;
  options?: (options?: RuntimeOptions) => RuntimeOptions | undefined;
  capabilities?: (inner: ReadonlySet<Capability>) => ReadonlySet<Capability>;
  runtime?: (inner: Runtime, outer: Runtime) => Partial<Pick<Runtime, 'shutdown' | 'metrics' | 'run'>>;
  /** Receives the wrapper's own (delegating) executor, so closures still see the wrapper as cx.runtime. */
  executor?: (base: Executor, outer: Runtime) => Partial<Executor>;
  task?: <T>(inner: Task<T>) => Partial<Task<T>>;
  clock?: (inner: Clock) => Partial<Clock>;
  net?: (inner: Net) => Partial<Net>;
  connection?: (inner: Connection) => Partial<Connection>;
  listener?: (inner: Listener) => Partial<Listener>;
  udp?: (inner: UdpSocket) => Partial<UdpSocket>;
}

/** Copies `patch` onto `target` property by property, getters included (Object.assign would call them). */
function plant<T extends object>(target: T, patch: Partial<T> | undefined): T {
  if (patch) for (const [key, d] of Object.entries(Object.getOwnPropertyDescriptors(patch))) Object.defineProperty(target, key, d);
  return target;
}

/** The context a closure sees: the inner task's signal, but the WRAPPER as its runtime. */
function context(cx: TaskContext, runtime: Runtime): TaskContext {
  return { get signal() { return cx.signal; }, runtime };
}

function wrapTask<T>(inner: Task<T>, fault: Fault): Task<T> {
  if (!fault.task) return inner;
  const patch = fault.task(inner);
  const outer: Task<T> = {
    get id() { return inner.id; },
    get state() { return inner.state; },
    then: (a, b) => inner.then(a, b),
    cancel: (reason) => inner.cancel(reason),
    detach: () => { inner.detach(); return outer; },
  };
  return plant(outer, patch);
}

function wrapConnection(inner: Connection, fault: Fault): Connection {
  const outer: Connection = {
    get localAddress() { return inner.localAddress; },
    get remoteAddress() { return inner.remoteAddress; },
    get closed() { return inner.closed; },
    read: (opts) => inner.read(opts),
    write: (data, opts) => inner.write(data, opts),
    closeWrite: () => inner.closeWrite(),
    close: () => inner.close(),
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const chunk = await outer.read();
        if (chunk === null) return;
        yield chunk;
      }
    },
    [Symbol.asyncDispose]: () => outer.close(),
  };
  return plant(outer, fault.connection?.(inner));
}

function wrapListener(inner: Listener, fault: Fault): Listener {
  const outer: Listener = {
    get address() { return inner.address; },
    accept: (opts) => inner.accept(opts).then((conn) => conn && wrapConnection(conn, fault)),
    close: () => inner.close(),
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const conn = await outer.accept();
        if (conn === null) return;
        yield conn;
      }
    },
    [Symbol.asyncDispose]: () => outer.close(),
  };
  const patch = fault.listener?.(inner);
  if (patch?.accept) {
    const accept = patch.accept;
    patch.accept = (opts) => accept(opts).then((c) => c && wrapConnection(c, fault));
  }
  return plant(outer, patch);
}

function wrapUdp(inner: UdpSocket, fault: Fault): UdpSocket {
  const outer: UdpSocket = {
    get address() { return inner.address; },
    send: (data, to) => inner.send(data, to),
    recv: (opts) => inner.recv(opts),
    close: () => inner.close(),
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const d = await outer.recv();
        if (d === null) return;
        yield d;
      }
    },
    [Symbol.asyncDispose]: () => outer.close(),
  };
  return plant(outer, fault.udp?.(inner));
}

/** Wraps a good runtime; with an empty fault it must pass the whole suite (the control). */
export function wrapRuntime(inner: Runtime, fault: Fault): Runtime {
  const outer = {} as Runtime;
  const ex = inner.executor;
  const executor: Executor = {
    spawn: (def, args, opts) => wrapTask(ex.spawn(def, args, opts), fault),
    spawnLocal: (fn, opts) => wrapTask(ex.spawnLocal(typeof fn === 'function' ? (cx) => fn(context(cx, outer)) : fn, opts), fault),
    spawnBlocking: (def, args, opts) => wrapTask(ex.spawnBlocking(def, args, opts), fault),
    join: (a, aArgs, b, bArgs) => ex.join(a, aArgs, b, bArgs),
    yieldNow: () => ex.yieldNow(),
  };
  Object.assign(executor, fault.executor?.({ ...executor }, outer));
  const c = inner.reactor.clock;
  const clock: Clock = {
    now: () => c.now(),
    wallClock: () => c.wallClock(),
    sleep: (ms, opts) => c.sleep(ms, opts),
    interval: (ms, opts) => c.interval(ms, opts),
    timeout: (ms, work) => c.timeout(ms, work),
  };
  Object.assign(clock, fault.clock?.(c));
  const n = inner.reactor.net;
  const netPatch = fault.net?.(n) ?? {};
  const base: Net = { ...n, connect: n.connect.bind(n), listen: n.listen.bind(n), bindUdp: n.bindUdp.bind(n), lookup: n.lookup.bind(n) };
  const raw: Net = { ...base, ...netPatch };
  // No async wrappers: the good runtime's synchronous argument checks must stay synchronous.
  const net: Net = {
    connect: (to, opts) => raw.connect(to, opts).then((conn) => wrapConnection(conn, fault)),
    listen: (at, opts) => raw.listen(at, opts).then((l) => wrapListener(l, fault)),
    bindUdp: (at) => raw.bindUdp(at).then((u) => wrapUdp(u, fault)),
    lookup: (hostname) => raw.lookup(hostname),
  };
  const reactor: Reactor = { clock, net };
  const capabilities = fault.capabilities?.(inner.capabilities) ?? inner.capabilities;
  Object.assign(outer, {
    name: inner.name,
    executor,
    reactor,
    capabilities,
    run: <T>(main: (cx: TaskContext) => T) => inner.run(typeof main === 'function' ? (cx) => main(context(cx, outer)) : main),
    shutdown: (opts?: ShutdownOptions) => inner.shutdown(opts),
    metrics: (): RuntimeMetrics => inner.metrics(),
    [Symbol.asyncDispose]: () => outer.shutdown(),
  });
  Object.assign(outer, fault.runtime?.(inner, outer));
  return outer;
}
