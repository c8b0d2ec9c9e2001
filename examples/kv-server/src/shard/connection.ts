// Shard-per-core: serves one client connection on the worker that accepted it, sending each command to the shard that owns its keys and writing the replies in command order.
//
// Per read: every command is routed (route.ts); connection commands and the own shard's operations
// run here at once, other shards' operations are batched per owner (one spawnOn per remote shard per
// read), and once every owner has answered the replies are put back in command order and written in
// one write. The next read is handled only after that, so a key's operations reach its shard in the
// order the client sent them, whoever owns the other keys. A command whose keys span shards runs on
// its own, after what the read batched before it: it holds its shards (hold.ts), runs, and lets go;
// so does EXEC of a transaction over several shards, or after WATCH (each watched key joins the
// connection's watcher on its own shard; EXEC checks them under the holds).
import type { Connection } from '@runtime-traits/core';
import { execute } from '../lib/commands/dispatch.js';
import { discardTransaction } from '../lib/commands/transactions.js';
import type { CommandContext } from '../lib/commands/command.js';
import { ConnectionClient } from '../lib/connection-client.js';
import type { Protocol } from '../lib/resp-writer.js';
import { arrayElements, combine, infoWithKeyspace } from './combine.js';
import { FORGET_OP, isInternal, ownerOf, ownerOfBytes, route, SINGLE_KEY, STAT_OP, WATCH_OP } from './route.js';
import type { Combine, Op, Route } from './route.js';
import { latin1Text as text, runHeld, runOps } from './shard.js';
import type { ShardHost } from './shard.js';

/**
 * Runs operations on another worker's shard: as values (spawnOn of shardRun), or plain commands
 * through a channel SAB (shardRunShared); or holds it for a command over several shards (shardHold)
 * and runs that command's part there (shardRunHeld).
 */
export interface RunOn {
  run(shard: number, ops: Op[], resp: Protocol): PromiseLike<string[]>;
  runShared(shard: number, sab: SharedArrayBuffer, length: number, resp: Protocol): PromiseLike<number[] | string[]>;
  hold(shard: number, token: number): PromiseLike<unknown>;
  runHeld(shard: number, token: number, ops: Op[], resp: Protocol, release: boolean): PromiseLike<string[]>;
}

/** An operation in a batch: as route.ts makes it, or a command still in the bytes it came in (a view into the read). */
type BatchOp = Op | Uint8Array[];

/** Bytes of a connection's request channel to one shard; a batch that does not fit goes as values. */
const CHANNEL_BYTES = 64 * 1024;

/** A reply still to be made from shard replies: refs are [shard, index in that shard's batch]. */
interface Pending {
  how: Combine | 'info';
  refs: Array<[number, number]>;
  local?: string;
  scanShard?: number;
}

/** A connection's WATCH: its id on the shards (0 until the first WATCH) and the shards it watches keys on. */
interface Watching {
  id: number;
  readonly shards: Set<number>;
}

/** A number unique over the server, made on this worker: hold tokens and watch ids. */
const uniqueId = (host: ShardHost): number => host.index + host.workers * ++host.tokens;

export async function serveSharded(conn: Connection, host: ShardHost, runOn: RunOn): Promise<void> {
  const { state, workers } = host;
  const client = new ConnectionClient(state, conn);
  const { session, cx } = client;
  // Replies made here go on cx.out; `cut` moves them into the pieces before a reply from elsewhere.
  const here = (args: Uint8Array[]): void => execute(args, cx);
  let pieces: Array<Uint8Array | string | Pending> = [];
  const channels: Array<SharedArrayBuffer | undefined> = new Array(workers);
  const watching: Watching = { id: 0, shards: new Set() };
  const cut = (): void => {
    if (cx.out.length > 0) pieces.push(cx.out.take().slice()); // take() is a view the next reply overwrites
  };
  try {
    for (;;) {
      const chunk = await conn.read();
      if (chunk === null) break;
      const { commands, error } = client.feed(chunk);
      let batches: BatchOp[][] = Array.from({ length: workers }, () => []);
      let own: string[] = []; // the own shard's replies to placed operations, run at once
      pieces = [];
      let remote = false;
      const runHere = (op: BatchOp): number => own.push(runOps(state, [asValues(op)], session.resp)[0]!) - 1;
      const place = (how: Pending['how'], parts: Array<[number, BatchOp]>, extra?: Partial<Pending>): Pending => {
        cut();
        remote = true;
        return { how, refs: parts.map(([shard, op]) => [shard, shard === host.index ? runHere(op) : batches[shard]!.push(op) - 1]), ...extra };
      };
      const push = (piece: string | Pending): void => {
        cut();
        remote = true; // replies to put together in order
        pieces.push(piece);
      };
      // Runs what is batched so far; its replies take their places among the pieces.
      const settle = async (): Promise<void> => {
        cut();
        remote = true;
        const results = await runBatches(batches, host, runOn, session.resp, channels);
        results[host.index] = own;
        batches = Array.from({ length: workers }, () => []);
        own = [];
        pieces = pieces.map((piece) => replyOf(piece, results, workers));
      };
      // A command over several shards: after what the read batched before it, and before what follows.
      const oneStep = async (run: () => Promise<string>): Promise<void> => {
        await settle();
        push(await run());
        if (!host.hold.free) await host.hold.turn();
      };
      // Ends the connection's watchers on their shards, after what the read sent them before.
      const forgetWatches = (): void => {
        for (const shard of watching.shards) place('ok', [[shard, [FORGET_OP, String(watching.id)]]]);
        watching.shards.clear();
        watching.id = 0; // a watcher left behind (a failed forget) is never joined again
      };
      // This shard's commands run in place below: not while a command over several shards holds it.
      if (!host.hold.free) await host.hold.turn();
      for (const args of commands) {
        const name = text(args[0]!).toLowerCase();
        const bare = args.length === 1;
        // Replies from other shards are encoded when they are made: the protocol must not change under them.
        if ((name === 'hello' || name === 'reset') && remote) {
          await settle();
          if (!host.hold.free) await host.hold.turn();
        }
        if (session.inMulti) {
          if (name === 'exec' && bare && !session.queueFailed) {
            const tx = takeTransaction(cx, host);
            if (tx.owner !== undefined && watching.shards.size === 0) push(place('one', [[tx.owner, tx.queued]]));
            else {
              const watched = watching.shards.size === 0 ? undefined : { id: watching.id, shards: [...watching.shards] };
              watching.shards.clear(); // EXEC forgets every WATCH, whatever it answers
              watching.id = 0;
              const local = (command: string[]): string => {
                execute(command.map((arg) => Buffer.from(arg, 'latin1')), cx);
                return text(cx.out.take());
              };
              await oneStep(() => execAcross(tx, host, runOn, session.resp, local, watched));
            }
          } else if (name === 'msetnx' && isCheckedAcrossShards(route(name, args.map(text), workers))) {
            // Queued, its check could not see the keys as the commands before it leave them on every shard.
            cx.out.error('CROSSSLOT MSETNX over keys of several shards cannot be queued in MULTI in shard-per-core mode (put its keys under one {hash tag})');
            session.queueFailed = true;
          } else if (name === 'hello') {
            // The shards encode a transaction's replies in one protocol, the one in force at EXEC.
            cx.out.error('ERR HELLO cannot be queued in MULTI in shard-per-core mode');
            session.queueFailed = true;
          } else {
            if (name === 'exec' || ((name === 'discard' || name === 'reset') && bare)) forgetWatches();
            here(args);
          }
        } else if (args.length >= 2 && SINGLE_KEY.has(name)) {
          // The common case: one key. Its own shard's command runs here, on the bytes; another's goes to its owner.
          const owner = ownerOfBytes(args[1]!, workers);
          if (owner === host.index) here(args);
          else push(place('one', [[owner, args]]));
        } else if (name === 'watch' && args.length >= 2) {
          // Each key joins the connection's watcher on its own shard (the check is at EXEC, under the holds).
          watching.id ||= uniqueId(host);
          const keys: string[][] = Array.from({ length: workers }, () => []);
          for (const key of args.slice(1).map(text)) keys[ownerOf(key, workers)]!.push(key);
          const parts: Array<[number, BatchOp]> = [];
          keys.forEach((some, shard) => { if (some.length > 0) parts.push([shard, [WATCH_OP, String(watching.id), ...some]]); });
          for (const [shard] of parts) watching.shards.add(shard);
          push(place('ok', parts));
        } else if ((name === 'unwatch' || name === 'reset') && bare) {
          forgetWatches();
          here(args);
        } else if (name === 'info') {
          cut();
          here(args);
          const local = text(cx.out.take());
          push(place('info', Array.from({ length: workers }, (_, shard) => [shard, [STAT_OP]]), { local }));
        } else {
          const strings = args.map(text);
          const r = route(name, strings, workers);
          if (r.kind === 'local') here(args);
          else if (r.atomic !== undefined) await oneStep(() => atomically(r, host, runOn, session.resp));
          else push(place(r.combine, r.parts, r.scanShard === undefined ? undefined : { scanShard: r.scanShard }));
        }
        if (session.quit) break;
      }
      state.store.sweep();
      if (error?.reply && !session.quit) cx.out.error(`ERR Protocol error: ${error.message}`);
      if (!remote) { // every reply was made here: one write, no copies
        if (cx.out.length > 0) await conn.write(cx.out.take());
      } else {
        await settle();
        await conn.write(Buffer.concat(pieces as Uint8Array[]));
      }
      if (session.quit || error) break;
    }
  } catch {
    // The peer reset the connection or the runtime is shutting down: nothing to reply to.
  } finally {
    forgetOn(watching.shards, watching.id, host, runOn); // a connection gone with its WATCH: its watchers end too
    channels.forEach((sab, shard) => { if (sab) host.channels[shard]!.push(sab); });
    state.close(session);
    await conn.close();
  }
}

/** A piece of the reply as bytes, once `results` (each shard's replies to its batch) are in. */
function replyOf(piece: Uint8Array | string | Pending, results: string[][], workers: number): Uint8Array {
  if (piece instanceof Uint8Array) return piece;
  if (typeof piece === 'string') return Buffer.from(piece, 'latin1');
  const replies = piece.refs.map(([shard, at]) => results[shard]![at]!);
  return Buffer.from(piece.how === 'info' ? infoWithKeyspace(piece.local!, replies) : combine(piece.how, replies, piece.scanShard, workers), 'latin1');
}

/**
 * Runs `ops[shard]` on each shard that has some, as one step (hold.ts): holds those shards in
 * ascending order, runs each one's ops and lets go; answers each shard's replies, by shard. With
 * `check`, its ops run first under the same holds, and when `pass` refuses their replies (those of
 * the shards with check ops, in shard order) nothing more runs (null). A shard that fails (its worker died) rejects, after the holds still taken are let go.
 */
async function asOneStep(host: ShardHost, runOn: RunOn, resp: Protocol, ops: Op[][],
  check?: { ops: Op[][]; pass(replies: string[][]): boolean }): Promise<string[][] | null> {
  const shards = [...ops.keys()].filter((shard) => ops[shard]!.length > 0 || (check?.ops[shard]?.length ?? 0) > 0);
  const token = uniqueId(host);
  host.running.add(token);
  const onEach = async (batchOf: (shard: number) => Op[], release: boolean): Promise<string[][]> => {
    const replies: string[][] = [];
    await Promise.all(shards.map(async (shard) => {
      const batch = batchOf(shard);
      replies[shard] = shard === host.index ? runHeld(host, token, batch, resp, release) : await runOn.runHeld(shard, token, batch, resp, release);
    }));
    return replies;
  };
  try {
    for (const shard of shards) await (shard === host.index ? host.hold.acquire(token) : runOn.hold(shard, token));
    if (check !== undefined) {
      const replies = await onEach((shard) => check.ops[shard] ?? [], false);
      if (!check.pass(shards.filter((shard) => (check.ops[shard]?.length ?? 0) > 0).map((shard) => replies[shard]!))) {
        await onEach(() => [], true);
        return null;
      }
    }
    return await onEach((shard) => ops[shard]!, true);
  } catch (error) {
    void onEach(() => [], true).catch(() => undefined); // a hold that already ended is left alone
    throw error;
  } finally {
    host.running.delete(token);
  }
}

/** A command whose keys span shards (route.ts's `atomic`), as one step; answers its reply. */
async function atomically(r: Extract<Route, { kind: 'parts' }>, host: ShardHost, runOn: RunOn, resp: Protocol): Promise<string> {
  const ops: Op[][] = Array.from({ length: host.workers }, () => []);
  const refs = r.parts.map(([shard, op]): [number, number] => [shard, ops[shard]!.push(op) - 1]);
  try {
    if (r.atomic === 'if-none-exist') { // MSETNX: the parts are SETs; none runs if any key exists
      const exists = ops.map((sets): Op[] => (sets.length === 0 ? [] : [['exists', ...sets.map((op) => op[1] as string)]]));
      const done = await asOneStep(host, runOn, resp, ops, { ops: exists, pass: (found) => found.every(([count]) => count === ':0\r\n') });
      return done === null ? ':0\r\n' : done.flat().find((reply) => reply.startsWith('-')) ?? ':1\r\n';
    }
    const results = (await asOneStep(host, runOn, resp, ops))!;
    return combine(r.combine, refs.map(([shard, at]) => results[shard]![at]!));
  } catch (error) {
    return errorReply(error);
  }
}

/**
 * EXEC of a transaction whose commands span shards, or that has connection commands, or that
 * follows a WATCH, as one step: each shard runs its part of the queue (its commands in queued order,
 * split commands' parts among them) as a transaction of its own, under the holds of every shard;
 * connection commands (and INFO) run on the connection (`local`); the replies are put back in queued
 * order. With `watched`, the watchers on those shards are checked (and ended) first under the same
 * holds: if a watched key changed, nothing runs and EXEC answers the null array.
 */
async function execAcross(tx: Transaction, host: ShardHost, runOn: RunOn, resp: Protocol,
  local: (command: string[]) => string, watched?: { id: number; shards: number[] }): Promise<string> {
  const parts: string[][][] = Array.from({ length: host.workers }, () => []);
  const replies = tx.routes.map((r) => r.kind === 'local' ? undefined : {
    how: r.combine,
    refs: r.parts.map(([shard, op]): [number, number] => [shard, parts[shard]!.push(op) - 1]),
    scanShard: r.scanShard,
  });
  try {
    const forget: Op[][] = [];
    for (const shard of watched?.shards ?? []) forget[shard] = [[FORGET_OP, String(watched!.id)]];
    const results = await asOneStep(host, runOn, resp, parts.map((part): Op[] => (part.length === 0 ? [] : [part])),
      watched && { ops: forget, pass: (changed) => changed.every(([reply]) => reply === ':0\r\n') });
    if (results === null) return resp === 3 ? '_\r\n' : '*-1\r\n';
    const elements: string[][] = [];
    for (const [shard, part] of parts.entries()) {
      if (part.length === 0) continue; // held for WATCH alone, or not at all
      const reply = results[shard]![0]!;
      const each = arrayElements(reply);
      if (each === null) return reply; // an error instead of EXEC's array
      elements[shard] = each;
    }
    const body = replies.map((reply, i) => (reply === undefined ? local(tx.queued[i]!)
      : combine(reply.how, reply.refs.map(([shard, at]) => elements[shard]![at]!), reply.scanShard, host.workers)));
    return `*${body.length}\r\n${body.join('')}`;
  } catch (error) {
    if (watched) forgetOn(watched.shards, watched.id, host, runOn); // the check may not have run
    return errorReply(error);
  }
}

/** Ends watcher `id` on `shards` (own shard at once, others by a task; a gone worker's watchers are gone). */
function forgetOn(shards: Iterable<number>, id: number, host: ShardHost, runOn: RunOn): void {
  const forget: Op[] = [[FORGET_OP, String(id)]];
  for (const shard of shards) {
    if (shard === host.index) runOps(host.state, forget, 2);
    else void Promise.resolve(runOn.run(shard, forget, 2)).catch(() => undefined);
  }
}

/** MSETNX whose keys live on more than one shard: a check and sets under the holds (route.ts's `if-none-exist`). */
const isCheckedAcrossShards = (r: Route): boolean => r.kind === 'parts' && r.atomic === 'if-none-exist';

function errorReply(error: unknown): string {
  return `-ERR ${(error instanceof Error ? error.message : String(error)).replace(/[\r\n]+/g, ' ')}\r\n`;
}

/** A transaction taken off the session: its commands (latin1), their routes, and the shard that runs it whole if there is one. */
interface Transaction {
  queued: string[][];
  routes: Route[];
  /** Set when every command goes whole to this one shard (an empty transaction: the own shard); else execAcross. */
  owner: number | undefined;
}

function takeTransaction(cx: CommandContext, host: ShardHost): Transaction {
  const queued = cx.session.queued!.map((args) => args.map(text));
  discardTransaction(cx);
  const routes = queued.map((command) => route(command[0]!.toLowerCase(), command, host.workers));
  let owner: number | undefined = host.index;
  for (const [i, r] of routes.entries()) {
    const whole = r.kind === 'parts' && r.combine === 'one' && r.parts.length === 1 && r.parts[0]![1] === queued[i];
    if (!whole || (i > 0 && r.parts[0]![0] !== owner)) return { queued, routes, owner: undefined };
    owner = r.parts[0]![0];
  }
  return { queued, routes, owner };
}

/** Every other shard's replies to its batch, through their workers. */
async function runBatches(batches: BatchOp[][], host: ShardHost, runOn: RunOn, resp: Protocol,
  channels: Array<SharedArrayBuffer | undefined>): Promise<string[][]> {
  const results: string[][] = new Array(batches.length);
  const waits: Array<PromiseLike<void>> = [];
  batches.forEach((ops, shard) => {
    if (ops.length === 0) return; // (the own shard's operations ran in place: never batched)
    const failed = (error: unknown): void => {
      const why = (error instanceof Error ? error.message : String(error)).replace(/[\r\n]+/g, ' ');
      results[shard] = ops.map(() => `-ERR shard ${shard} failed: ${why}\r\n`);
    };
    const sab = channels[shard] ??= host.channels[shard]!.pop() ?? new SharedArrayBuffer(CHANNEL_BYTES);
    const view = new Uint8Array(sab);
    const length = encodeCommands(view, ops);
    if (length < 0) {
      waits.push(runOn.run(shard, ops.map(asValues), resp).then((replies) => { results[shard] = replies; }, failed));
      return;
    }
    waits.push(runOn.runShared(shard, sab, length, resp).then((answer) => {
      if (typeof answer[0] === 'string') return void (results[shard] = answer as string[]);
      const replies: string[] = [];
      let at = length;
      for (const n of answer as number[]) replies.push(text(view.subarray(at, (at += n))));
      results[shard] = replies;
    }, failed));
  });
  if (waits.length > 0) await Promise.all(waits);
  return results;
}

function asValues(op: BatchOp): Op {
  return op[0] instanceof Uint8Array ? (op as Uint8Array[]).map(text) : op as Op;
}

/**
 * Writes plain commands RESP-encoded into `view`; answers the length, or -1 when the batch holds
 * something else (a transaction, a STAT) or does not fit (then more than half the channel stays free
 * for the replies, or they come back as values).
 */
function encodeCommands(view: Uint8Array, ops: readonly BatchOp[]): number {
  const limit = view.length >> 1;
  let at = 0;
  const ascii = (chars: string): void => {
    for (let i = 0; i < chars.length; i++) view[at++] = chars.charCodeAt(i);
  };
  for (const op of ops) {
    if (Array.isArray(op[0]) || isInternal(op)) return -1;
    if (at + 16 > limit) return -1;
    ascii(`*${op.length}\r\n`);
    for (const arg of op as Array<Uint8Array | string>) {
      if (at + arg.length + 24 > limit) return -1;
      ascii(`$${arg.length}\r\n`);
      if (typeof arg === 'string') ascii(arg);
      else {
        view.set(arg, at);
        at += arg.length;
      }
      ascii('\r\n');
    }
  }
  return at;
}
