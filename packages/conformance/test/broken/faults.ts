// The broken adapters: each a good runtime with exactly one fault a library would trip over. The suite must fail every one.
import {
  CancelledError, RuntimeShutdownError, UnsupportedError, type Clock, type RuntimeMetrics, type Task, type TaskContext,
} from '@runtime-traits/core';
import { checkMs, isThenable } from '@runtime-traits/core/kit';
import { add } from '../../src/tasks.js';
import type { Fault } from './wrap.js';

const never = <T = never>(): Promise<T> => new Promise<T>(() => {});

/** A copy of `task` whose outcome passes through `map` (errors only). */
function mapFailure<T>(task: Task<T>, map: (error: unknown) => unknown): Task<T> {
  const outer: Task<T> = {
    get id() { return task.id; },
    get state() { return task.state; },
    then: (a, b) => task.then(undefined, (error: unknown) => { throw map(error); }).then(a, b),
    cancel: (reason) => task.cancel(reason),
    detach: () => { task.detach(); return outer; },
  };
  return outer;
}

function stripCode(error: unknown): unknown {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    Object.defineProperty(error, 'code', { value: undefined, configurable: true, writable: true });
  }
  return error;
}

const stripped = <T>(promise: Promise<T>): Promise<T> => promise.catch((error: unknown) => { throw stripCode(error); });

/** An interval that waits ms after each next() call (fixed delay): it drifts by the consumer's time. */
function driftingInterval(c: Clock, ms: number, opts?: { signal?: AbortSignal }): AsyncIterableIterator<number> {
  void c.interval(ms, opts).return?.(); // the good one's argument checks
  let done = false;
  const it: AsyncIterableIterator<number> = {
    async next() {
      if (done) return { done: true, value: undefined };
      await c.sleep(ms, opts);
      return { done: false, value: c.now() };
    },
    async return() { done = true; return { done: true, value: undefined }; },
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}

export const FAULTS: Record<string, Fault> = {
  none: { description: 'no fault: the control, must pass everything' },
  'honest-without-udp-and-blocking': {
    description: 'a CORRECT adapter that lacks net.udp and spawn.blocking and says so (must pass; those cases skip)',
    capabilities: (c) => new Set([...c].filter((x) => x !== 'net.udp' && x !== 'spawn.blocking')),
    executor: (base) => ({ spawnBlocking: (def, args, opts) => base.spawn(def, args, opts) }),
    net: () => ({ bindUdp: async () => { throw new UnsupportedError('net.udp'); } }),
  },

  // ── executor and tasks ──
  'spawn-runs-synchronously': {
    area: 'executor',
    description: 'spawnLocal runs the body inside the call',
    executor: (base, outer) => ({
      spawnLocal: (fn, opts) => {
        if (typeof fn !== 'function') return base.spawnLocal(fn, opts);
        let out: { value: unknown } | { error: unknown };
        try { out = { value: fn({ signal: new AbortController().signal, runtime: outer }) }; } catch (error) { out = { error }; }
        return base.spawnLocal(() => { if ('error' in out) throw out.error; return out.value; }, opts) as never;
      },
    }),
  },
  'cancel-aborts-nothing': {
    area: 'task lifecycle',
    description: 'cancel() resolves without aborting anything',
    task: () => ({ cancel: () => Promise.resolve() }),
  },
  'cancel-resolves-before-body-settles': {
    area: 'task lifecycle',
    description: 'cancel() resolves at once instead of when the body has settled',
    task: (inner) => ({ cancel: (reason?: unknown) => { void inner.cancel(reason); return Promise.resolve(); } }),
  },
  'spawn-signal-ignored': {
    area: 'task lifecycle',
    description: 'SpawnOptions.signal is dropped',
    executor: (base) => ({
      spawnLocal: (fn, opts) => base.spawnLocal(fn, opts && { ...opts, signal: undefined }),
      spawn: (def, args, opts) => base.spawn(def, args, opts && { ...opts, signal: undefined }),
    }),
  },
  'task-ids-repeat': {
    area: 'executor',
    description: 'every task has id 1',
    task: () => ({ get id() { return 1; } }),
  },
  'state-stuck-pending': {
    area: 'task lifecycle',
    description: 'task.state always says pending',
    task: () => ({ get state() { return 'pending' as const; } }),
  },
  'join-swallows-b-error': {
    area: 'executor',
    description: 'join returns [ra, undefined] when b throws',
    executor: (base) => ({
      join: (a, aArgs, b, bArgs) => {
        const [ra] = base.join(a, aArgs, add, [0, 0]);
        let rb: unknown;
        try { [rb] = base.join(b, bArgs, add, [0, 0]); } catch { rb = undefined; }
        return [ra, rb] as never;
      },
    }),
  },
  'errors-lose-class-across-threads': {
    area: 'errors',
    description: 'a portable task\'s TypeError/RangeError/NetError arrives as a plain Error',
    executor: (base) => ({
      spawn: (def, args, opts) => mapFailure(base.spawn(def, args, opts), (e) => {
        if (e instanceof Error && !CancelledError.is(e)) return Object.assign(new Error(e.message), { code: (e as { code?: unknown }).code });
        return e;
      }),
    }),
  },
  'yield-now-does-not-yield': {
    area: 'executor',
    description: 'yieldNow() resolves without letting other tasks run',
    executor: () => ({ yieldNow: () => Promise.resolve() }),
  },
  'unhandled-errors-not-routed': {
    area: 'task lifecycle',
    description: 'create() ignores onUnhandledError (detached failures go to the console)',
    options: () => undefined,
  },
  'metrics-incomplete': {
    area: 'executor',
    description: 'metrics() lacks queueDepth',
    runtime: (inner) => ({ metrics: () => { const { queueDepth: _q, ...rest } = inner.metrics(); return rest as RuntimeMetrics; } }),
  },
  'run-does-not-wait': {
    area: 'executor',
    description: 'run(main) resolves at once instead of with main\'s result',
    runtime: (inner, outer) => ({
      run: <T>(main: (cx: TaskContext) => T) => {
        inner.run((cx) => main({ get signal() { return cx.signal; }, runtime: outer })).catch(() => undefined);
        return Promise.resolve(undefined as T);
      },
    }) as never,
  },

  // ── shutdown ──
  'shutdown-still-accepts-spawns': {
    area: 'shutdown',
    description: 'after shutdown, spawnLocal runs the closure anyway instead of throwing',
    executor: (base, outer) => ({
      spawnLocal: (fn, opts) => {
        try { return base.spawnLocal(fn, opts); } catch (error) {
          if (!RuntimeShutdownError.is(error)) throw error;
          const p = Promise.resolve().then(() => fn({ signal: new AbortController().signal, runtime: outer }));
          const task: Task<never> = { id: 0, state: 'pending', then: p.then.bind(p) as never, cancel: async () => {}, detach: () => task };
          return task;
        }
      },
    }),
  },
  'shutdown-not-idempotent': {
    area: 'shutdown',
    description: 'a second shutdown() rejects',
    runtime: (inner) => {
      let done = false;
      return { shutdown: async (opts) => { if (done) throw new Error('already shut down'); done = true; return inner.shutdown(opts); } };
    },
  },
  'shutdown-leaves-sleeps-pending': {
    area: 'shutdown',
    description: 'a sleep pending at shutdown never settles',
    clock: (c) => ({ sleep: (ms, opts) => c.sleep(ms, opts).catch((e: unknown) => { if (RuntimeShutdownError.is(e)) return never(); throw e; }) }),
  },

  // ── clock ──
  'sleep-returns-early': {
    area: 'clock',
    description: 'sleep(ms) resolves after ms/2',
    clock: (c) => ({ sleep: (ms, opts) => c.sleep(ms / 2, opts) }),
  },
  'sleep-ignores-abort': {
    area: 'clock',
    description: 'sleep ignores its signal',
    clock: (c) => ({ sleep: (ms, opts) => { void opts; return c.sleep(ms); } }),
  },
  'sleep-accepts-negative-ms': {
    area: 'bad input',
    description: 'sleep(-1) / sleep(NaN) sleeps 0 instead of throwing RangeError',
    clock: (c) => ({ sleep: (ms, opts) => c.sleep(typeof ms === 'number' && !(ms >= 0) ? 0 : ms, opts) }),
  },
  'wallclock-frozen': {
    area: 'clock',
    description: 'wallClock() never advances',
    clock: (c) => { const frozen = c.wallClock(); return { wallClock: () => frozen }; },
  },
  'timeout-never-fires': {
    area: 'clock',
    description: 'timeout(ms, work) just waits for work',
    clock: () => ({
      timeout: <T>(ms: number, work: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T>)) => {
        checkMs(ms);
        if (typeof work !== 'function' && !isThenable(work)) throw new TypeError('work must be a promise or a function');
        return Promise.resolve(typeof work === 'function' ? work(new AbortController().signal) : work);
      },
    }),
  },
  'timeout-fires-early': {
    area: 'clock',
    description: 'timeout(ms) fires after ms/2',
    clock: (c) => ({ timeout: (ms, work) => c.timeout(ms / 2, work) }),
  },
  'interval-drifts': {
    area: 'clock',
    description: 'interval waits ms after each next() (fixed delay), drifting by the consumer\'s time',
    clock: (c) => ({ interval: (ms, opts) => driftingInterval(c, ms, opts) }),
  },
  'interval-never-stops': {
    area: 'clock',
    description: 'interval\'s return() (break) does not stop it',
    clock: (c) => ({
      interval: (ms, opts) => {
        const inner = c.interval(ms, opts);
        const it: AsyncIterableIterator<number> = { next: () => inner.next(), return: async () => ({ done: true, value: undefined }), [Symbol.asyncIterator]: () => it };
        return it;
      },
    }),
  },

  // ── net ──
  'listens-on-0.0.0.0-by-default': {
    area: 'tcp',
    description: 'listen() without a host binds 0.0.0.0',
    net: (n) => ({
      listen: (at, opts) => n.listen(typeof at === 'object' && at !== null && !('path' in at) && at.host === undefined ? { ...at, host: '0.0.0.0' } : at, opts),
    }),
  },
  'errors-lose-their-code': {
    area: 'errors',
    description: 'network errors, timeouts and task failures lose their code',
    net: (n) => ({
      connect: (to, opts) => stripped(n.connect(to, opts)),
      listen: (at, opts) => stripped(n.listen(at, opts)),
      bindUdp: (at) => stripped(n.bindUdp(at)),
      lookup: (host) => stripped(n.lookup(host)),
    }),
    clock: (c) => ({ timeout: (ms, work) => stripped(c.timeout(ms, work)) }),
    connection: (conn) => ({ read: (o) => stripped(conn.read(o)), write: (d, o) => stripped(conn.write(d, o)) }),
    task: (t) => ({ then: (a, b) => t.then(undefined, (e: unknown) => { throw stripCode(e); }).then(a, b) }),
  },
  'read-hides-end-of-stream': {
    area: 'tcp',
    description: 'read() never resolves null at end of stream',
    connection: (conn) => ({ read: async (o) => (await conn.read(o)) ?? never() }),
  },
  'read-returns-empty-chunks-at-end': {
    area: 'tcp',
    description: 'read() resolves an empty chunk, again and again, instead of null at end of stream',
    connection: (conn) => ({ read: async (o) => (await conn.read(o)) ?? new Uint8Array(0) }),
  },
  'aborted-read-loses-data': {
    area: 'tcp',
    description: 'an aborted read() leaves a read pending underneath, whose data is dropped',
    connection: (conn) => ({
      read: (o) => {
        const signal = o?.signal;
        if (!signal) return conn.read(o);
        if (signal.aborted) { conn.read().catch(() => undefined); return Promise.reject(new CancelledError()); }
        return new Promise((resolve, reject) => {
          conn.read().then(resolve, reject);
          signal.addEventListener('abort', () => reject(new CancelledError()), { once: true });
        });
      },
    }),
  },
  'read-reuses-one-buffer': {
    area: 'tcp',
    description: 'read() returns views of one buffer it reuses',
    connection: (conn) => {
      const shared = new Uint8Array(1 << 20);
      return { read: async (o) => { const c = await conn.read(o); if (!c || c.length > shared.length) return c; shared.set(c); return shared.subarray(0, c.length); } };
    },
  },
  'write-ignores-backpressure': {
    area: 'tcp',
    description: 'write() resolves at once, buffering without bound',
    connection: (conn) => ({ write: (d, o) => { const p = conn.write(d, o); p.catch(() => undefined); return Promise.race([p, Promise.resolve()]); } }),
  },
  'strings-sent-as-latin1': {
    area: 'tcp',
    description: 'write(string) sends Latin-1 instead of UTF-8',
    connection: (conn) => ({ write: (d, o) => conn.write(typeof d === 'string' ? Uint8Array.from(d, (ch) => ch.charCodeAt(0) & 255) : d, o) }),
  },
  'subarray-writes-whole-buffer': {
    area: 'tcp',
    description: 'write(view) sends the view\'s whole underlying buffer',
    connection: (conn) => ({ write: (d, o) => conn.write(d instanceof Uint8Array ? new Uint8Array(d.buffer) : d, o) }),
  },
  'close-write-closes-both-ways': {
    area: 'tcp',
    description: 'closeWrite() closes the whole connection',
    connection: (conn) => ({ closeWrite: () => conn.close() }),
  },
  'closed-never-resolves': {
    area: 'tcp',
    description: 'connection.closed never resolves',
    connection: () => ({ closed: never() }),
  },
  'accept-never-null-after-close': {
    area: 'tcp',
    description: 'accept() hangs instead of resolving null once the listener is closed',
    listener: (l) => ({ accept: async (o) => (await l.accept(o)) ?? never() }),
  },
  'connect-ignores-abort': {
    area: 'tcp',
    description: 'connect() ignores its signal',
    net: (n) => ({ connect: (to, o) => n.connect(to, o && { ...o, signal: undefined }) }),
  },
  'udp-reports-wrong-sender': {
    area: 'udp',
    description: 'a datagram\'s from is the receiver\'s own address',
    udp: (u) => ({ recv: async (o) => { const d = await u.recv(o); return d && { data: d.data, from: u.address }; } }),
  },
  'lookup-resolves-unknown-hosts': {
    area: 'dns',
    description: 'lookup() of an unknown name resolves to 127.0.0.1',
    net: (n) => ({ lookup: (host) => n.lookup(host).catch(() => ['127.0.0.1']) }),
  },
  'tls-skips-verification': {
    area: 'tls',
    description: 'TLS connect never verifies the certificate',
    net: (n) => ({ connect: (to, o) => n.connect(to, o?.tls ? { ...o, tls: { ...o.tls, rejectUnauthorized: false } } : o) }),
  },

  // ── capabilities ──
  'claims-reusePort-it-lacks': {
    area: 'errors',
    description: 'capabilities include net.reusePort, but listen() drops the option (as an engine without SO_REUSEPORT does)',
    capabilities: (c) => new Set([...c, 'net.reusePort']),
    net: (n) => ({
      listen: (at, opts) => n.listen(at, opts && typeof opts === 'object' && 'reusePort' in opts ? { ...opts, reusePort: undefined } : opts),
    }),
  },
  'claims-spawn-parallel-it-lacks': {
    area: 'executor',
    description: 'capabilities include spawn.parallel, yet spawn runs every task on the caller\'s thread',
    capabilities: (c) => new Set([...c, 'spawn.parallel']),
  },
  'claims-virtual-time-it-lacks': {
    area: 'clock',
    description: 'capabilities include time.virtual on a real clock',
    capabilities: (c) => new Set([...c, 'time.virtual']),
  },
  'drops-a-capability-silently': {
    area: 'errors',
    description: 'claims no net.udp, yet bindUdp works instead of rejecting UnsupportedError',
    capabilities: (c) => new Set([...c].filter((x) => x !== 'net.udp')),
  },
  // ── more: each a difference a library would trip over ──
  'cancel-before-start-still-runs': {
    area: 'task lifecycle',
    description: 'a task cancelled before it started runs its body anyway',
    executor: (base, outer) => ({
      spawnLocal: (fn, opts) => {
        const task = base.spawnLocal(fn, opts);
        if (typeof fn !== 'function') return task;
        const outerTask: typeof task = {
          get id() { return task.id; },
          get state() { return task.state; },
          then: (a, b) => task.then(a, b),
          cancel: (reason?: unknown) => {
            if (task.state === 'pending') queueMicrotask(() => { try { void fn({ signal: new AbortController().signal, runtime: outer }); } catch { /* dropped */ } });
            return task.cancel(reason);
          },
          detach: () => { task.detach(); return outerTask; },
        };
        return outerTask;
      },
    }),
  },
  'cancel-reason-lost': {
    area: 'task lifecycle',
    description: 'cancel(reason) aborts the signal with some other reason',
    task: (inner) => ({ cancel: () => inner.cancel(new Error('not the reason you gave')) }),
  },
  'blocking-runs-on-the-loop': {
    area: 'executor',
    description: 'spawnBlocking runs the task on the event loop\'s own thread',
    executor: (base) => ({ spawnBlocking: (def, args, opts) => base.spawn(def, args, opts) }),
  },
  'join-returns-promise': {
    area: 'executor',
    description: 'join returns a promise of [ra, rb] instead of the pair',
    executor: (base) => ({ join: (a, aArgs, b, bArgs) => Promise.resolve().then(() => base.join(a, aArgs, b, bArgs)) as never }),
  },
  'metrics-frozen': {
    area: 'executor',
    description: 'metrics() always reports the counters of a fresh runtime',
    runtime: (inner) => { const first = inner.metrics(); return { metrics: () => ({ ...first }) }; },
  },
  'interval-accepts-zero': {
    area: 'clock',
    description: 'interval(0) is accepted (ticks as fast as it can)',
    clock: (c) => ({ interval: (ms, opts) => c.interval(ms === 0 ? 1 : ms, opts) }),
  },
  'timeout-signal-never-aborted': {
    area: 'clock',
    description: 'the function form of timeout() gets a signal that is never aborted',
    clock: (c) => ({ timeout: (ms, work) => c.timeout(ms, typeof work === 'function' ? work(new AbortController().signal) : work) }),
  },
  'read-after-close-rejects': {
    area: 'tcp',
    description: 'read() after a local close() rejects instead of resolving null',
    connection: (conn) => {
      let closed = false;
      return {
        close: () => { closed = true; return conn.close(); },
        read: (o) => (closed ? Promise.reject(new Error('read on a closed connection')) : conn.read(o)),
      };
    },
  },
  'epipe-misreported': {
    area: 'tcp',
    description: 'a write after closeWrite()/close() rejects with ECONNRESET instead of EPIPE',
    connection: (conn) => ({
      write: (d, o) => conn.write(d, o).catch((e: unknown) => {
        if ((e as { code?: unknown })?.code === 'EPIPE') Object.defineProperty(e, 'code', { value: 'ECONNRESET' });
        throw e;
      }),
    }),
  },
  'listener-close-closes-connections': {
    area: 'tcp',
    description: 'closing a listener also closes the connections it accepted',
    listener: (l) => {
      const accepted: Array<{ close(): Promise<void> }> = [];
      return {
        accept: async (o) => { const c = await l.accept(o); if (c) accepted.push(c); return c; },
        close: async () => { await l.close(); await Promise.all(accepted.map((c) => c.close())); },
      };
    },
  },
  'udp-truncates-datagrams': {
    area: 'udp',
    description: 'datagrams are cut to 4 KiB',
    udp: (u) => ({ recv: async (o) => { const d = await u.recv(o); return d && { data: d.data.subarray(0, 4096), from: d.from }; } }),
  },
  'udp-recv-hangs-after-close': {
    area: 'udp',
    description: 'recv() never resolves null once the socket is closed',
    udp: (u) => ({ recv: async (o) => (await u.recv(o)) ?? never() }),
  },
  'unix-remote-address-missing': {
    area: 'unix sockets',
    description: 'a Unix connection reports { host: \'\', port: 0 } as its remote address',
    connection: (conn) => ({ get remoteAddress() { const a = conn.remoteAddress; return 'path' in a ? { host: '', port: 0 } : a; } }),
  },
  'shutdown-keeps-tasks-running': {
    area: 'shutdown',
    description: 'shutdown() settles handles but never aborts the running tasks\' signals',
    executor: (base) => ({
      spawnLocal: (fn, opts) => (typeof fn !== 'function' ? base.spawnLocal(fn, opts) : base.spawnLocal((cx) => {
        const own = new AbortController();
        cx.signal.addEventListener('abort', () => { if (!RuntimeShutdownError.is(cx.signal.reason)) own.abort(cx.signal.reason); }, { once: true });
        return fn({ signal: own.signal, runtime: cx.runtime });
      }, opts)),
    }),
  },
  'tls-ignores-servername': {
    area: 'tls',
    description: 'TLS connect drops the servername (verifies against the IP only)',
    net: (n) => ({ connect: (to, o) => n.connect(to, o?.tls ? { ...o, tls: { ...o.tls, servername: undefined } } : o) }),
  },
  'lookup-localhost-ipv6-only': {
    area: 'dns',
    description: 'lookup(\'localhost\') answers only ::1',
    net: (n) => ({ lookup: async (host) => { const all = await n.lookup(host); return host === 'localhost' ? ['::1'] : all; } }),
  },
  'listen-clamps-bad-ports': {
    area: 'bad input',
    description: 'listen() quietly turns an out-of-range port into 0 instead of throwing RangeError',
    net: (n) => ({
      listen: (at, o) => n.listen(typeof at === 'object' && at !== null && 'port' in at && typeof at.port === 'number' && !(at.port >= 0 && at.port <= 65535) ? { ...at, port: 0 } : at, o),
    }),
  },
  'aborted-accept-loses-connection': {
    area: 'tcp',
    description: 'an aborted accept() leaves an accept pending underneath, whose connection is dropped',
    listener: (l) => ({
      accept: (o) => {
        const signal = o?.signal;
        if (!signal) return l.accept(o);
        if (signal.aborted) return Promise.reject(new CancelledError());
        return new Promise((resolve, reject) => {
          l.accept().then(resolve, reject);
          signal.addEventListener('abort', () => reject(new CancelledError()), { once: true });
        });
      },
    }),
  },
  'aborted-recv-loses-datagram': {
    area: 'udp',
    description: 'an aborted recv() leaves a recv pending underneath, whose datagram is dropped',
    udp: (u) => ({
      recv: (o) => {
        const signal = o?.signal;
        if (!signal) return u.recv(o);
        if (signal.aborted) return Promise.reject(new CancelledError());
        return new Promise((resolve, reject) => {
          u.recv().then(resolve, reject);
          signal.addEventListener('abort', () => reject(new CancelledError()), { once: true });
        });
      },
    }),
  },
  'remote-address-is-local': {
    area: 'tcp',
    description: 'a connection reports its own local address as its remote address',
    connection: (conn) => ({ get remoteAddress() { return conn.localAddress; } }),
  },
};
