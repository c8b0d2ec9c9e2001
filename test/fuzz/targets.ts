// The public methods the fuzzer calls: each parameter with a valid value and the hostile values to try instead.
import fc from 'fast-check';
import type { Connection, Listener, Runtime, SocketAddress, UdpSocket } from '@runtime-traits/core';
import type { Cleanup } from './harness.js';
import { echo, untilCancelled } from './fixtures/tasks.js';
import { Hostile, hostileAddress, hostileHostname, hostileLeaf, hostileOptions } from './hostile.js';

/** One runtime under test, with what its methods need: a listener to connect to, a UDP socket. */
export interface Subject {
  label: string;
  rt: Runtime;
  listener: Listener;
  udp: UdpSocket;
}

export interface Param {
  /** The name a TypeError/RangeError about it must contain. */
  name: string;
  /** A valid value; what it needs undone after the call (a signal to abort) goes to `track`. */
  valid: (s: Subject, track: (c: Cleanup) => void) => unknown;
  hostile: fc.Arbitrary<Hostile>;
}

export interface Target {
  method: string;
  params: Param[];
  call: (s: Subject, args: unknown[], track: (c: Cleanup) => void) => unknown;
  /** Called outside rt.run() (run itself). */
  outside?: boolean;
}

type AnyFn = (...args: unknown[]) => unknown;

/** Cleans up whatever a call returned: a task is cancelled; a socket or listener, once it arrives, closed. */
function keep(track: (c: Cleanup) => void, value: unknown): unknown {
  if (typeof (value as { cancel?: unknown } | undefined)?.cancel === 'function') {
    track(() => (value as { cancel: AnyFn }).cancel());
  } else {
    track(async () => {
      const v = await Promise.resolve(value).catch(() => undefined) as { close?: AnyFn } | undefined;
      if (typeof v?.close === 'function') await v.close();
    });
  }
  return value;
}

const validOpts = (): undefined => undefined;
/** Valid options for a wait: a signal the clean-up aborts, so a valid but endless wait leaves nothing behind. */
const abortable = (_s: Subject, track: (c: Cleanup) => void): { signal: AbortSignal } => {
  const controller = new AbortController();
  track(() => controller.abort());
  return { signal: controller.signal };
};
const waitOpts = (): Param => ({ name: 'opts', valid: abortable, hostile: hostileOptions });
/** Connects to the subject's listener; a failure to connect is the harness's problem, reported as such. */
function connected(s: Subject, track: (c: Cleanup) => void): Promise<Connection> {
  return s.rt.reactor.net.connect(address(s)).then((conn) => {
    track(() => conn.close());
    return conn;
  }, (error: unknown) => {
    throw new Error(`setup failed: could not connect to the subject's listener: ${String(error)}`);
  });
}
const def = (n: string): Param => ({ name: n, valid: () => echo, hostile: hostileLeaf });
const args = (n: string): Param => ({ name: n, valid: () => [1], hostile: fc.oneof(hostileLeaf, fc.array(hostileLeaf, { minLength: 1, maxLength: 2 }).map((items) => new Hostile(`[${items.map((h) => h.label).join(', ')}]`, () => items.map((h) => h.make())))) });
const opts = (n = 'opts'): Param => ({ name: n, valid: validOpts, hostile: hostileOptions });
const ms = (valid = 1): Param => ({ name: 'ms', valid: () => valid, hostile: hostileLeaf });
const data: Param = { name: 'data', valid: () => 'x', hostile: hostileLeaf };

const address = (s: Subject): SocketAddress => s.listener.address;

export const TARGETS: Target[] = [
  {
    method: 'executor.spawn', params: [def('def'), args('args'), opts()],
    call: (s, [d, a, o], track) => keep(track, s.rt.executor.spawn(d as never, a as never, o as never)),
  },
  {
    method: 'executor.spawnBlocking', params: [def('def'), args('args'), opts()],
    call: (s, [d, a, o], track) => keep(track, s.rt.executor.spawnBlocking(d as never, a as never, o as never)),
  },
  {
    method: 'executor.spawnLocal', params: [{ name: 'fn', valid: () => () => 1, hostile: hostileLeaf }, opts()],
    call: (s, [f, o], track) => keep(track, s.rt.executor.spawnLocal(f as never, o as never)),
  },
  {
    method: 'executor.join', params: [def('a'), args('aArgs'), def('b'), args('bArgs')],
    call: (s, [a, aa, b, ba]) => s.rt.executor.join(a as never, aa as never, b as never, ba as never),
  },
  {
    method: 'task.cancel', params: [{ name: 'reason', valid: () => undefined, hostile: hostileLeaf }],
    call: (s, [reason], track) => {
      const task = keep(track, s.rt.executor.spawn(untilCancelled, [])) as { cancel: AnyFn; state: string; then: AnyFn };
      return Promise.resolve(task.cancel(reason)).then(() => {
        if (task.state !== 'cancelled') throw new Error(`the task is ${task.state} after cancel() resolved`);
      });
    },
  },
  {
    method: 'task.spawnBlocking+cancel', params: [{ name: 'reason', valid: () => undefined, hostile: hostileLeaf }],
    call: (s, [reason], track) => {
      const task = keep(track, s.rt.executor.spawnBlocking(untilCancelled, [])) as { cancel: AnyFn; state: string };
      return s.rt.reactor.clock.sleep(2).then(() => task.cancel(reason)).then(() => {
        if (task.state !== 'cancelled') throw new Error(`the task is ${task.state} after cancel() resolved`);
      });
    },
  },
  { method: 'clock.sleep', params: [ms(), waitOpts()], call: (s, [m, o]) => s.rt.reactor.clock.sleep(m as never, o as never) },
  {
    method: 'clock.interval', params: [ms(), waitOpts()],
    call: (s, [m, o], track) => {
      const ticks = s.rt.reactor.clock.interval(m as never, o as never);
      track(() => ticks.return?.(undefined));
      return ticks.next();
    },
  },
  {
    method: 'clock.timeout',
    params: [ms(1000), { name: 'work', valid: () => () => Promise.resolve(1), hostile: hostileLeaf }],
    call: (s, [m, w]) => s.rt.reactor.clock.timeout(m as never, w as never),
  },
  {
    method: 'net.connect', params: [{ name: 'to', valid: address, hostile: hostileAddress }, opts()],
    call: (s, [to, o], track) => keep(track, s.rt.reactor.net.connect(to as never, o as never)),
  },
  {
    method: 'net.listen', params: [{ name: 'at', valid: () => ({ port: 0 }), hostile: hostileAddress }, opts()],
    call: (s, [at, o], track) => keep(track, s.rt.reactor.net.listen(at as never, o as never)),
  },
  {
    method: 'net.bindUdp', params: [{ name: 'at', valid: () => ({ port: 0 }), hostile: hostileAddress }],
    call: (s, [at], track) => keep(track, s.rt.reactor.net.bindUdp(at as never)),
  },
  {
    method: 'net.lookup', params: [{ name: 'hostname', valid: () => 'localhost', hostile: hostileHostname }],
    call: (s, [h]) => s.rt.reactor.net.lookup(h as never),
  },
  {
    method: 'connection.write', params: [data, opts()],
    call: (s, [d, o], track) => connected(s, track).then((conn) => conn.write(d as never, o as never)),
  },
  {
    method: 'connection.read', params: [waitOpts()],
    call: (s, [o], track) => connected(s, track).then((conn) => conn.read(o as never)),
  },
  { method: 'listener.accept', params: [waitOpts()], call: (s, [o]) => s.listener.accept(o as never).then((c) => c?.close()) },
  {
    method: 'udp.send', params: [data, { name: 'to', valid: (s) => s.udp.address, hostile: hostileAddress }],
    call: (s, [d, to]) => s.udp.send(d as never, to as never),
  },
  { method: 'udp.recv', params: [waitOpts()], call: (s, [o]) => s.udp.recv(o as never) },
  {
    method: 'runtime.run', params: [{ name: 'main', valid: () => () => 1, hostile: hostileLeaf }], outside: true,
    call: (s, [main]) => s.rt.run(main as never),
  },
];
