// Shard-per-core: what each worker of a thread-per-core runtime holds (its shard of the keyspace, its listener, its connections) and the tasks that reach it.
//
// Module state is per thread: on worker k, `host` is worker k's shard, alone. Other workers reach it
// only through tasks placed on k with spawnOn, so every operation on a shard runs on its thread, one
// task at a time (a transaction run in one task is atomic). A command over several shards holds its
// keys on each of them while it runs (hold.ts); operations arriving for a held key wait for their turn.
import { defineTask } from '@runtime-traits/core';
import type { Clock, Connection, Listener, TaskContext } from '@runtime-traits/core';
import { placementOf } from '@runtime-traits/worksteal';
import type { Placement } from '@runtime-traits/worksteal';
import { execute } from '../lib/commands/dispatch.js';
import type { CommandContext } from '../lib/commands/command.js';
import { RespParser } from '../lib/resp-parser.js';
import { RespWriter } from '../lib/resp-writer.js';
import type { Protocol } from '../lib/resp-writer.js';
import { ServerState } from '../lib/server-state.js';
import { Session } from '../lib/session.js';
import type { Watcher } from '../lib/store.js';
import { serveSharded } from './connection.js';
import { ALL, ShardHold } from './hold.js';
import type { Outbox } from './outbox.js';
import type { HoldTimes } from './hold.js';
import { FORGET_OP, isInternal, keysOf, STAT_OP, WATCH_OP } from './route.js';
import type { Op } from './route.js';

/** One worker's part of the server. */
export interface ShardHost {
  readonly index: number;
  readonly workers: number;
  /** This worker's shard of the keyspace, its limits and counters; on `clock`. */
  readonly state: ServerState;
  readonly clock: ShardClock;
  readonly place: Placement;
  listener: Listener | null;
  /** Free request channels to each shard (SharedArrayBuffers, kept for reuse: the runtime remembers every SAB it has seen). */
  readonly channels: SharedArrayBuffer[][];
  /** What this worker's connections send other shards, by shard × 4 + protocol (outbox.ts). */
  readonly outboxes: Map<number, Outbox>;
  readonly connections: Map<Connection, Promise<void>>;
  /** Held by a command over several shards while it runs (hold.ts). */
  readonly hold: ShardHold;
  /** Hold tokens and watch ids made here: worker index + workers × count (connection.ts's uniqueId). */
  tokens: number;
  /** The tokens of the commands over several shards this worker is running (a shard holding one asks). */
  readonly running: Set<number>;
}

/** Where a worker's count of tokens starts: at random, so a dead worker's replacement makes none of its tokens again. */
const randomStart = (): number => Math.floor(Math.random() * 2 ** 40);

/**
 * A shard's clock, which a command over several shards stops at one moment while its part runs here
 * (`stoppedAt`): every part then reads the same instant, so an MGET never sees one of two keys with
 * the same deadline gone and the other not, and an EXEC's check and its transaction see one moment.
 * `now()` is on a time line shared by every thread of the process, so one worker's moment means the
 * same on another.
 */
export class ShardClock implements Pick<Clock, 'now' | 'wallClock'> {
  private stopped: Moment | undefined;

  constructor(private readonly clock: Pick<Clock, 'now' | 'wallClock'>) {}

  now(): number {
    return this.stopped ? this.stopped[0] : this.clock.now();
  }

  wallClock(): number {
    return this.stopped ? this.stopped[1] : this.clock.wallClock();
  }

  /** The moment now: [now(), wallClock()]. */
  moment(): Moment {
    return [this.now(), this.wallClock()];
  }

  /** Runs `fn` with this clock stopped at `moment`. */
  stoppedAt<T>(moment: Moment, fn: () => T): T {
    const before = this.stopped;
    this.stopped = moment;
    try {
      return fn();
    } finally {
      this.stopped = before;
    }
  }
}

/** An instant as [clock.now(), clock.wallClock()]. */
export type Moment = [now: number, wall: number];

/** A hold is checked with its worker after 5 s, and ends after 60 s whatever the answer (hold.ts). */
const HOLD_TIMES: HoldTimes = { checkMs: 5_000, giveUpMs: 60_000 };

let host: ShardHost | undefined;

function hostOf(cx: TaskContext): ShardHost {
  if (host) return host;
  if (cx.worker === undefined) throw new TypeError('the shard tasks run on a worker of a thread-per-core WorkStealingRuntime');
  const place = placementOf(cx.runtime);
  // A token's worker is token % workers: a replacement of a dead one runs none of its commands.
  const hold = new ShardHold((token) => place.spawnOn(token % place.workers, shardRunning, [token]), HOLD_TIMES);
  const clock = new ShardClock(cx.runtime.reactor.clock);
  host = { index: cx.worker, workers: place.workers, clock, state: new ServerState(clock, { clientIds: { first: cx.worker + 1, step: place.workers } }), place, listener: null,
    channels: Array.from({ length: place.workers }, () => []), outboxes: new Map(), connections: new Map(), hold, tokens: randomStart(), running: new Set() };
  return host;
}

/** The command contexts operations run in, one per protocol (a shard's replies are written in the asking connection's). */
const contexts = new Map<Protocol, CommandContext>();

function contextFor(state: ServerState, resp: Protocol): CommandContext {
  let cx = contexts.get(resp);
  if (cx?.server !== state) {
    const session = new Session(0, state.clock.now());
    session.resp = resp;
    const out = new RespWriter();
    out.protocol = resp;
    cx = { server: state, store: state.store, session, out };
    contexts.set(resp, cx);
  }
  return cx;
}

const bytes = (text: string): Uint8Array => Buffer.from(text, 'latin1');
const text = (data: Uint8Array): string => Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
/** The longest argument that can become a string (V8's longest string): what crosses shards as text. */
export const MAX_TEXT = 2 ** 29 - 24;

/** The writer transactions run with (one at a time: runOps runs each one whole). */
const txOut = new RespWriter();

/** WATCH in shard-per-core mode: the watchers of connections on any worker over this shard's keys, by watch id. */
const watchers = new Map<number, Watcher>();

/** The reply of an internal operation (route.ts: STAT_OP, WATCH_OP, FORGET_OP). */
function internal(state: ServerState, op: string[]): string {
  if (op[0] === STAT_OP) return `${state.store.size()},${state.store.volatileSize()}`;
  const id = Number(op[1]);
  let watcher = watchers.get(id);
  if (op[0] === WATCH_OP) {
    if (!watcher) watchers.set(id, watcher = { dirty: false, keys: new Set() });
    // No point in watching more once a watched key changed: EXEC will fail anyway.
    if (!watcher.dirty) for (let i = 2; i < op.length; i++) state.store.watch(op[i]!, watcher);
    return '+OK\r\n';
  }
  if (!watcher) return ':0\r\n';
  // EXEC's check names the watched keys (they are held, and read at its moment): one that expired is a
  // change. A FORGET naming none (UNWATCH, a connection gone) only ends the watcher: it may run while
  // other commands hold those keys, and must not expire them on the live clock under their holds.
  if (op.length > 2) state.store.expireWatched(watcher);
  const changed = watcher.dirty;
  state.store.unwatchAll(watcher);
  watchers.delete(id);
  return changed ? ':1\r\n' : ':0\r\n';
}

/**
 * Runs operations on this thread's shard, in order, and answers each one's reply (RESP bytes as a
 * latin1 string): a command's, a transaction's EXEC reply, or an internal operation's.
 */
export function runOps(state: ServerState, ops: readonly Op[], resp: Protocol): string[] {
  const cx = contextFor(state, resp);
  const replies: string[] = [];
  for (const op of ops) {
    if (op.length === 0 || Array.isArray(op[0])) {
      // A transaction (maybe empty): queued and run by EXEC within this one call, so nothing else runs in between.
      // Its own session and writer, so nothing it does to them reaches the shared context (connection
      // commands in a transaction run on the connection instead, and HELLO cannot be queued: connection.ts).
      const tx: CommandContext = { server: state, store: state.store, session: new Session(0, state.clock.now()), out: txOut };
      tx.session.resp = resp;
      txOut.protocol = resp;
      execute([bytes('multi')], tx);
      for (const command of op as string[][]) execute(command.map(bytes), tx);
      txOut.take();
      execute([bytes('exec')], tx);
      replies.push(text(txOut.take()));
      continue;
    } else if (isInternal(op)) {
      replies.push(internal(state, op as string[]));
      continue;
    } else {
      execute((op as string[]).map(bytes), cx);
    }
    replies.push(text(cx.out.take()));
  }
  return replies;
}

/**
 * Deletes a few expired keys of this shard (the store's sweep), but none that a command over several
 * shards holds or waits for: its parts read them at the command's moment (ShardClock), which may come
 * before their deadline, and a sweep on the live clock would take them away first. The other keys
 * are swept as ever, so a steady stream of such commands does not keep expired keys alive.
 */
export function sweep(host: ShardHost): void {
  const { hold } = host;
  host.state.store.sweep(undefined, hold.free ? undefined : (key) => hold.covers(key));
}

export { text as latin1Text };

/** Runs `ops` on this worker's shard (placed here by the connection's worker with spawnOn), in its turn when the shard is held. */
export const shardRun = defineTask(import.meta.url, 'shardRun', (cx: TaskContext, ops: Op[], resp: Protocol): string[] | Promise<string[]> => {
  const self = hostOf(cx);
  const run = (): string[] => {
    const replies = runOps(self.state, ops, resp);
    sweep(self);
    return replies;
  };
  return self.hold.free ? run() : self.hold.run(keysOf(ops), run);
});

/** Holds `keys` of this worker's shard (or ALL of it) for `token` (a command over several shards, hold.ts); resolves once held. `times`: tests. */
export const shardHold = defineTask(import.meta.url, 'shardHold', async (cx: TaskContext, token: number, keys: string[] | typeof ALL, times?: HoldTimes): Promise<true> => {
  await hostOf(cx).hold.acquire(token, keys === ALL ? ALL : new Set(keys), times);
  return true;
});

/** Whether this worker still runs the command of `token` (asked by a shard it has held for long). */
export const shardRunning = defineTask(import.meta.url, 'shardRunning', (cx: TaskContext, token: number): boolean =>
  hostOf(cx).running.has(token));

/** Runs `ops` on this worker's shard under `token`'s hold, at `moment`, and lets go of it with `release`. */
export const shardRunHeld = defineTask(import.meta.url, 'shardRunHeld', (cx: TaskContext, token: number, ops: Op[], resp: Protocol, release: boolean, moment: Moment): string[] =>
  runHeld(hostOf(cx), token, ops, resp, release, moment));

/**
 * `ops` under `token`'s hold of `host`'s shard, with the shard's clock stopped at `moment` (every part
 * of the command reads one instant); refused when the hold already ended (hold.ts: after 60 s), its
 * parts elsewhere may have run.
 */
export function runHeld(host: ShardHost, token: number, ops: Op[], resp: Protocol, release: boolean, moment: Moment): string[] {
  if (!host.hold.holds(token)) throw new Error(`the hold on shard ${host.index} ended before this part ran; parts on other shards may have run`);
  try {
    return ops.length === 0 ? [] : host.clock.stoppedAt(moment, () => runOps(host.state, ops, resp));
  } finally {
    if (release) host.hold.release(token);
  }
}

/**
 * Runs plain commands written RESP-encoded into `sab[0, length)` (a channel of the asking worker's
 * outbox for this shard, see outbox.ts) and answers how many there were: each reply's length is then a
 * Uint32 at `replyTable(length)` and the replies follow that table (`repliesAt`). When they do not fit
 * there, it answers the replies themselves (latin1 strings). A SAB travels in the task's slot, and a
 * number is written there inline, so a batch of any size costs no message and no serializer.
 */
export const shardRunShared = defineTask(import.meta.url, 'shardRunShared', (cx: TaskContext, sab: SharedArrayBuffer, length: number, resp: Protocol): number | string[] | Promise<number | string[]> => {
  const self = hostOf(cx);
  const { commands } = new RespParser(self.state.limits).feed(new Uint8Array(sab, 0, length)); // views into the channel: its sender waits
  return self.hold.free ? runShared(self, commands, sab, length, resp) : self.hold.run(keysOf(commands), () => runShared(self, commands, sab, length, resp));
});

/** Where a channel's table of reply lengths starts, after a request of `length` bytes (4-aligned). */
export const replyTable = (length: number): number => (length + 3) & ~3;
/** Where the replies to `count` commands start, after their table. */
export const repliesAt = (length: number, count: number): number => replyTable(length) + 4 * count;

function runShared(self: ShardHost, commands: Uint8Array[][], sab: SharedArrayBuffer, length: number, resp: Protocol): number | string[] {
  const view = new Uint8Array(sab);
  const run = contextFor(self.state, resp);
  const lengths: number[] = [];
  for (const args of commands) {
    const before = run.out.length;
    execute(args, run);
    lengths.push(run.out.length - before);
  }
  sweep(self);
  const out = run.out.take();
  const at = repliesAt(length, lengths.length);
  if (at + out.length <= view.length) {
    new Uint32Array(sab, replyTable(length), lengths.length).set(lengths);
    view.set(out, at);
    return lengths.length;
  }
  const replies: string[] = [];
  let from = 0;
  for (const n of lengths) replies.push(text(out.subarray(from, (from += n))));
  return replies;
}

/** This worker's keys (tests: each key lives on its owner's shard alone). */
export const shardKeys = defineTask(import.meta.url, 'shardKeys', (cx: TaskContext): string[] => hostOf(cx).state.store.keys('*'));

/**
 * Starts accepting on this worker (`reusePort`: with the others on one port); answers the port. Or,
 * with `listen` false, only sets the shard up (a worker that serves no connections, only its keys).
 */
export const startShard = defineTask(import.meta.url, 'startShard', async (cx: TaskContext, at: { host: string; port: number }, reusePort: boolean, listen: boolean): Promise<number> => {
  const self = hostOf(cx);
  if (!listen) return 0;
  if (self.listener) return (self.listener.address as { port: number }).port;
  const listener = await cx.runtime.reactor.net.listen(at, reusePort ? { reusePort: true } : {});
  self.listener = listener;
  const port = (listener.address as { port: number }).port;
  self.state.port = port;
  void (async () => {
    for (;;) {
      const conn = await listener.accept().catch(() => null);
      if (conn === null) return;
      const serving = serveSharded(conn, self, {
        run: (shard, ops, resp) => self.place.spawnOn(shard, shardRun, [ops, resp]),
        runShared: (shard, sab, length, resp) => self.place.spawnOn(shard, shardRunShared, [sab, length, resp]),
        hold: (shard, token, keys) => self.place.spawnOn(shard, shardHold, [token, keys]),
        runHeld: (shard, token, ops, resp, release, moment) => self.place.spawnOn(shard, shardRunHeld, [token, ops, resp, release, moment]),
      });
      self.connections.set(conn, serving);
      void serving.finally(() => self.connections.delete(conn));
    }
  })();
  return port;
});

/** Stops this worker's listener and closes its connections (before the runtime's shutdown). */
export const stopShard = defineTask(import.meta.url, 'stopShard', async (): Promise<boolean> => {
  const self = host;
  if (!self?.listener) return false;
  const listener = self.listener;
  self.listener = null;
  await listener.close();
  await Promise.all([...self.connections].map(async ([conn, serving]) => {
    await conn.close();
    await serving;
  }));
  return true;
});
