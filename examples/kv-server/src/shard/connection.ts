// Shard-per-core: serves one client connection on the worker that accepted it, sending each command to the shard that owns its keys and writing the replies in command order.
//
// Per read: every command is routed (route.ts); connection commands and the own shard's operations
// run here at once, other shards' operations are batched per owner (sent with the batches of the
// worker's other connections in one task per shard and turn of the loop: outbox.ts), and once every
// owner has answered the replies are put back in command order and written in one write. The next read is handled only after that, so a key's operations reach its shard in the
// order the client sent them, whoever owns the other keys. A command whose keys span shards runs on
// its own, after what the read batched before it: it holds its keys on each shard (hold.ts), runs, and lets go;
// so does EXEC of a transaction over several shards, or after WATCH (each watched key joins the
// connection's watcher on its own shard; EXEC checks them under the holds).
import type { Connection } from '@runtime-traits/core';
import { execute, nameOf } from '../lib/commands/dispatch.js';
import { discardTransaction } from '../lib/commands/transactions.js';
import type { CommandContext } from '../lib/commands/command.js';
import type { Session } from '../lib/session.js';
import { ConnectionClient } from '../lib/connection-client.js';
import { RespWriter } from '../lib/resp-writer.js';
import type { Protocol } from '../lib/resp-writer.js';
import { arrayElements, combine, infoWithKeyspace } from './combine.js';
import { ALL } from './hold.js';
import { FORGET_OP, isInternal, keysOf, ownerOf, ownerOfBytes, route, SINGLE_KEY, STAT_OP, WATCH_OP } from './route.js';
import type { Combine, Op, Route } from './route.js';
import { appendReply, failedReplies, Outbox, replyText } from './outbox.js';
import type { BatchReplies, Command, ShardRunner } from './outbox.js';
import { latin1Text as text, MAX_TEXT, runHeld, runOps, sweep } from './shard.js';
import type { Moment } from './shard.js';
import type { ShardHost } from './shard.js';

/**
 * Runs operations on another worker's shard: as values (spawnOn of shardRun), or plain commands
 * through a channel SAB (shardRunShared); or holds it for a command over several shards (shardHold)
 * and runs that command's part there (shardRunHeld).
 */
export interface RunOn extends ShardRunner {
  hold(shard: number, token: number, keys: string[] | typeof ALL): PromiseLike<unknown>;
  runHeld(shard: number, token: number, ops: Op[], resp: Protocol, release: boolean, moment: Moment): PromiseLike<string[]>;
}

/** An operation in a batch: as route.ts makes it, or a command still in the bytes it came in (a view into the read). */
type BatchOp = Op | Uint8Array[];

/** A reply still to be made from shard replies: refs are [shard, index in that shard's batch]. */
interface Pending {
  how: Combine | 'info';
  refs: Array<[number, number]>;
  local?: string;
  scanShard?: number;
}

/**
 * A piece of a read's reply: bytes made here, a reply as a latin1 string, one still to be made from
 * shard replies, or (a number) the reply of a command forwarded whole: shard + workers × its index in
 * that shard's batch (the common case, so it costs no object).
 */
type Piece = Uint8Array | string | Pending | number;

/** A connection's WATCH: its id on the shards (0 until the first WATCH) and the keys it watches, by shard. */
interface Watching {
  id: number;
  readonly keys: Map<number, Set<string>>;
}

/** A number unique over the server, made on this worker: hold tokens and watch ids. */
const uniqueId = (host: ShardHost): number => host.index + host.workers * ++host.tokens;

/** Serves `conn` on this worker until it ends (see the file header). */
export function serveSharded(conn: Connection, host: ShardHost, runOn: RunOn): Promise<void> {
  return new ShardedConnection(conn, host, runOn).serve();
}

/**
 * One client connection of a worker. Per read: `command` routes each command; replies made here go
 * on `cx.out`, and once a command's reply must come from elsewhere the pieces so far are `cut` off;
 * `settle` runs the batches and puts their replies among the pieces; `finishRead` writes them.
 */
class ShardedConnection {
  private readonly client: ConnectionClient;
  private readonly session: Session;
  private readonly cx: CommandContext;
  /** The reply to this read so far, up to its first piece still to come from elsewhere. */
  private readonly reply = new RespWriter();
  /** The rest of the reply, in command order, from that piece on; `settle` moves it into `reply`. */
  private pieces: Piece[] = [];
  /** Per shard, the operations this read sends it (the own shard's entry stays empty: they run at once). */
  private readonly batches: BatchOp[][];
  /** The own shard's replies to placed operations this read. */
  private own: string[] = [];
  /** Whether some reply of this read is a piece (else cx.out holds the whole reply). */
  private remote = false;
  private readonly watching: Watching = { id: 0, keys: new Map() };

  constructor(private readonly conn: Connection, private readonly host: ShardHost, private readonly runOn: RunOn) {
    this.client = new ConnectionClient(host.state, conn);
    this.session = this.client.session;
    this.cx = this.client.cx;
    this.batches = Array.from({ length: host.workers }, () => []);
  }

  async serve(): Promise<void> {
    const { conn, session, host } = this;
    try {
      for (;;) {
        const chunk = await conn.read();
        if (chunk === null) break;
        const { commands, error } = this.client.feed(chunk);
        for (const args of commands) {
          if (args.some((arg) => arg.byteLength > MAX_TEXT)) this.refuseLong(args);
          else await this.command(args);
          if (session.quit) break;
        }
        sweep(host);
        if (error?.reply && !session.quit) this.cx.out.error(`ERR Protocol error: ${error.message}`);
        await this.finishRead();
        if (session.quit || error) break;
      }
    } catch {
      // The peer reset the connection or the runtime is shutting down: nothing to reply to.
    } finally {
      forgetOn(this.watching.keys.keys(), this.watching.id, host, this.runOn); // a connection gone with its WATCH: its watchers end too
      host.state.close(session);
      await conn.close();
    }
  }

  /**
   * A command with an argument longer than the engine's longest string (2^29 - 24 bytes on V8, just
   * under Redis's 512 MiB bulk limit): keys and values cross shards as strings, so this mode refuses
   * it whatever its shard (inside MULTI, EXEC then answers EXECABORT, as for any refused command).
   */
  private refuseLong(args: Uint8Array[]): void {
    const longest = args.reduce((most, arg) => Math.max(most, arg.byteLength), 0);
    if (this.session.inMulti) this.session.queueFailed = true;
    this.push(`-ERR an argument of ${longest} bytes is longer than shard-per-core mode can carry between shards (${MAX_TEXT} at most)\r\n`);
  }

  /** One command of the read: run here, placed in a shard's batch, or (over several shards) run as one step. */
  private async command(args: Uint8Array[]): Promise<void> {
    const { host, session } = this;
    const workers = host.workers;
    const name = nameOf(args[0]!);
    const bare = args.length === 1;
    // Replies from other shards are encoded when they are made: the protocol must not change under them.
    if ((name === 'hello' || name === 'reset') && this.remote) await this.settle();
    if (session.inMulti) return this.queued(name, args, bare);
    if (args.length >= 2 && SINGLE_KEY.has(name)) {
      // The common case: one key. Its own shard's command runs here, on the bytes; another's goes to its owner.
      const owner = ownerOfBytes(args[1]!, workers);
      if (owner !== host.index) return this.forward(owner, args);
      if (host.hold.free) this.here(args);
      else await host.hold.run(keysOf([args]), () => this.here(args)); // its key may be held by a command over several shards
    } else if (name === 'watch' && args.length >= 2) {
      // Each key joins the connection's watcher on its own shard (the check is at EXEC, under the holds).
      const watching = this.watching;
      watching.id ||= uniqueId(host);
      const keys: string[][] = Array.from({ length: workers }, () => []);
      for (const key of args.slice(1).map(text)) keys[ownerOf(key, workers)]!.push(key);
      const parts: Array<[number, BatchOp]> = [];
      keys.forEach((some, shard) => { if (some.length > 0) parts.push([shard, [WATCH_OP, String(watching.id), ...some]]); });
      keys.forEach((some, shard) => {
        if (some.length === 0) return;
        const watched = watching.keys.get(shard) ?? new Set();
        for (const key of some) watched.add(key);
        watching.keys.set(shard, watched);
      });
      this.push(await this.place('ok', parts));
    } else if ((name === 'unwatch' || name === 'reset') && bare) {
      this.forgetWatches();
      this.here(args);
    } else if (name === 'info') {
      this.cut();
      this.here(args);
      const local = text(this.cx.out.take());
      this.push(await this.place('info', Array.from({ length: workers }, (_, shard) => [shard, [STAT_OP]]), { local }));
    } else {
      const r = route(name, args.map(text), workers);
      if (r.kind === 'local') this.here(args);
      else if (r.atomic !== undefined) await this.oneStep(() => atomically(r, host, this.runOn, session.resp));
      else this.push(await this.place(r.combine, r.parts, r.scanShard === undefined ? undefined : { scanShard: r.scanShard }));
    }
  }

  /** A command inside MULTI: queued on the session, except EXEC (and what cannot be queued in this mode). */
  private async queued(name: string, args: Uint8Array[], bare: boolean): Promise<void> {
    const { host, session, cx } = this;
    if (name === 'exec' && bare && !session.queueFailed) {
      const tx = takeTransaction(cx, host);
      const watching = this.watching;
      if (tx.owner !== undefined && watching.keys.size === 0) return this.push(await this.place('one', [[tx.owner, tx.queued]]));
      const watched = watching.keys.size === 0 ? undefined : { id: watching.id, keys: new Map(watching.keys) };
      watching.keys.clear(); // EXEC forgets every WATCH, whatever it answers
      watching.id = 0;
      const local = (command: string[]): string => {
        execute(command.map((arg) => Buffer.from(arg, 'latin1')), cx);
        return text(cx.out.take());
      };
      return this.oneStep(() => execAcross(tx, host, this.runOn, session.resp, local, watched));
    }
    if (name === 'msetnx' && isCheckedAcrossShards(route(name, args.map(text), host.workers))) {
      // Queued, its check could not see the keys as the commands before it leave them on every shard.
      cx.out.error('CROSSSLOT MSETNX over keys of several shards cannot be queued in MULTI in shard-per-core mode (put its keys under one {hash tag})');
      session.queueFailed = true;
    } else if (name === 'hello') {
      // The shards encode a transaction's replies in one protocol, the one in force at EXEC.
      cx.out.error('ERR HELLO cannot be queued in MULTI in shard-per-core mode');
      session.queueFailed = true;
    } else {
      if (name === 'exec' || ((name === 'discard' || name === 'reset') && bare)) this.forgetWatches();
      this.here(args);
    }
  }

  /** Runs a command on this connection (its reply goes on cx.out). */
  private here(args: Uint8Array[]): void {
    execute(args, this.cx);
  }

  /** Moves the replies made here so far into the read's reply, before a reply from elsewhere. */
  private cut(): void {
    const out = this.cx.out;
    if (out.length === 0) return;
    if (this.pieces.length === 0) this.reply.append(out.take());
    else this.pieces.push(out.take().slice()); // take() is a view the next reply overwrites
  }

  /** Sends a command whole to another shard: its reply is that shard's, as it comes. */
  private forward(shard: number, args: Uint8Array[]): void {
    this.cut();
    this.remote = true;
    this.pieces.push(shard + this.host.workers * (this.batches[shard]!.push(args) - 1));
  }

  /** Adds a reply made elsewhere (or put together later) to the pieces. */
  private push(piece: string | Pending): void {
    this.cut();
    this.remote = true;
    this.pieces.push(piece);
  }

  /**
   * Sends each part to its shard: the own shard's run at once (keeping this connection's order
   * there; after holds on their keys: at once when none is in the way), the others' are batched.
   */
  private place(how: Pending['how'], parts: Array<[number, BatchOp]>, extra?: Partial<Pending>): Pending | Promise<Pending> {
    const hold = this.host.hold;
    const place = (): Pending => {
      this.cut();
      this.remote = true;
      const refs = parts.map(([shard, op]): [number, number] => [shard, shard === this.host.index
        ? this.own.push(runOps(this.host.state, [asValues(op)], this.session.resp)[0]!) - 1
        : this.batches[shard]!.push(op) - 1]);
      return { how, refs, ...extra };
    };
    return hold.free ? place() : hold.run(keysOf(parts.filter(([shard]) => shard === this.host.index).map(([, op]) => op)), place);
  }

  /** Runs what is batched so far; its replies take their places among the pieces. */
  private async settle(): Promise<void> {
    this.cut();
    this.remote = true;
    const { host, batches } = this;
    const results = await runBatches(batches, host, this.runOn, this.session.resp);
    results[host.index] = this.own;
    for (const batch of batches) batch.length = 0;
    this.own = [];
    for (const piece of this.pieces) appendPiece(this.reply, piece, results, host.workers);
    this.pieces = [];
  }

  /** A command over several shards: after what the read batched before it, and before what follows. */
  private async oneStep(run: () => Promise<string>): Promise<void> {
    await this.settle();
    this.push(await run());
  }

  /** Ends the connection's watchers on their shards, after what the read sent them before. */
  private forgetWatches(): void {
    const watching = this.watching;
    for (const shard of watching.keys.keys()) void this.place('ok', [[shard, [FORGET_OP, String(watching.id)]]]); // (naming no key: at once)
    watching.keys.clear();
    watching.id = 0; // a watcher left behind (a failed forget) is never joined again
  }

  /** Writes the read's replies: in one write from cx.out when all were made here, else the pieces put together. */
  private async finishRead(): Promise<void> {
    const out = this.cx.out;
    if (!this.remote) {
      if (out.length > 0) await this.conn.write(out.take());
      return;
    }
    await this.settle();
    this.remote = false;
    await this.conn.write(this.reply.take()); // a view of the writer's buffer: reused once write() resolved
  }
}

/** Appends a piece of the reply to `out`, once `results` (each shard's replies to its batch) are in. */
function appendPiece(out: RespWriter, piece: Piece, results: BatchReplies[], workers: number): void {
  if (typeof piece === 'number') return appendReply(out, results[piece % workers]!, Math.floor(piece / workers)); // forwarded whole: shard + workers × index
  if (typeof piece === 'string') return void out.appendLatin1(piece);
  if (piece instanceof Uint8Array) return void out.append(piece);
  if (piece.how === 'one') { // a command sent whole to its owner: its reply as it came
    const [shard, at] = piece.refs[0]!;
    return appendReply(out, results[shard]!, at);
  }
  const replies = piece.refs.map(([shard, at]) => replyText(results[shard]!, at));
  out.appendLatin1(piece.how === 'info' ? infoWithKeyspace(piece.local!, replies) : combine(piece.how, replies, piece.scanShard, workers));
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
  let moment: Moment = [0, 0]; // read once every hold is taken: every part runs at that instant
  const onEach = async (batchOf: (shard: number) => Op[], release: boolean): Promise<string[][]> => {
    const replies: string[][] = [];
    await Promise.all(shards.map(async (shard) => {
      const batch = batchOf(shard);
      replies[shard] = shard === host.index ? runHeld(host, token, batch, resp, release, moment)
        : await runOn.runHeld(shard, token, batch, resp, release, moment);
    }));
    return replies;
  };
  try {
    for (const shard of shards) {
      // The keys this command touches there (an EXEC's check: the watched ones, see execAcross).
      const keys = keysOf([...ops[shard]!, ...(check?.ops[shard] ?? [])]);
      await (shard === host.index ? host.hold.acquire(token, keys) : runOn.hold(shard, token, keys === ALL ? ALL : [...keys]));
    }
    moment = host.clock.moment();
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
  local: (command: string[]) => string, watched?: { id: number; keys: Map<number, Set<string>> }): Promise<string> {
  const parts: string[][][] = Array.from({ length: host.workers }, () => []);
  const replies = tx.routes.map((r) => r.kind === 'local' ? undefined : {
    how: r.combine,
    refs: r.parts.map(([shard, op]): [number, number] => [shard, parts[shard]!.push(op) - 1]),
    scanShard: r.scanShard,
  });
  try {
    const forget: Op[][] = [];
    // The check names the watched keys, so the hold covers them too: nothing writes one between the check and the transaction.
    for (const [shard, keys] of watched?.keys ?? []) forget[shard] = [[FORGET_OP, String(watched!.id), ...keys]];
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
    if (watched) forgetOn(watched.keys.keys(), watched.id, host, runOn); // the check may not have run
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

/**
 * Every other shard's replies to its batch, through their workers: plain commands with the other
 * batches of this worker's turn (outbox.ts), anything else (a transaction, an internal op) as values.
 */
async function runBatches(batches: BatchOp[][], host: ShardHost, runOn: RunOn, resp: Protocol): Promise<BatchReplies[]> {
  const results: BatchReplies[] = new Array(batches.length);
  const waits: Array<PromiseLike<void>> = [];
  batches.forEach((ops, shard) => {
    if (ops.length === 0) return; // (the own shard's operations ran in place: never batched)
    if (ops.every(isPlain)) {
      waits.push(Outbox.of(host, shard, resp, runOn).send(ops as Command[]).then((replies) => { results[shard] = replies; }));
      return;
    }
    waits.push(runOn.run(shard, ops.map(asValues), resp).then(
      (replies) => { results[shard] = replies; },
      (error: unknown) => { results[shard] = failedReplies(shard, ops.length, error); },
    ));
  });
  if (waits.length > 0) await Promise.all(waits);
  return results;
}

/** A command as the client sent it (not a transaction, not an internal op): it can travel RESP-encoded. */
const isPlain = (op: BatchOp): boolean => op.length > 0 && !Array.isArray(op[0]) && !isInternal(op);

function asValues(op: BatchOp): Op {
  return op[0] instanceof Uint8Array ? (op as Uint8Array[]).map(text) : op as Op;
}
