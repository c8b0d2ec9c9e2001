// Shard-per-core: serves one client connection on the worker that accepted it, sending each command to the shard that owns its keys and writing the replies in command order.
//
// Per read: every command is routed (route.ts); connection commands run here at once, store
// operations are batched per owning shard (one spawnOn per remote shard per read, the own shard run in
// place), and once every owner has answered the replies are put back in command order and written in
// one write. The next read is handled only after that, so a key's operations reach its shard in the
// order the client sent them, whoever owns the other keys.
import type { Connection } from '@runtime-traits/core';
import { execute } from '../lib/commands/dispatch.js';
import { discardTransaction } from '../lib/commands/transactions.js';
import type { CommandContext } from '../lib/commands/command.js';
import { ConnectionClient } from '../lib/connection-client.js';
import type { Protocol } from '../lib/resp-writer.js';
import { combine, infoWithKeyspace } from './combine.js';
import { crossShard, ownerOfBytes, route, shardsOf, SINGLE_KEY, STAT_OP } from './route.js';
import type { Combine, Op } from './route.js';
import { latin1Text as text, runOps } from './shard.js';
import type { ShardHost } from './shard.js';

/** Runs operations on another worker's shard: as values (spawnOn of shardRun), or plain commands through a channel SAB (shardRunShared). */
export interface RunOn {
  run(shard: number, ops: Op[], resp: Protocol): PromiseLike<string[]>;
  runShared(shard: number, sab: SharedArrayBuffer, length: number, resp: Protocol): PromiseLike<number[] | string[]>;
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

const WATCH_REFUSED = '-ERR WATCH is not supported in shard-per-core mode\r\n';

export async function serveSharded(conn: Connection, host: ShardHost, runOn: RunOn): Promise<void> {
  const { state, workers } = host;
  const client = new ConnectionClient(state, conn);
  const { session, cx } = client;
  // Replies made here go on cx.out; `cut` moves them into the pieces before a reply from elsewhere.
  const here = (args: Uint8Array[]): void => execute(args, cx);
  let pieces: Array<Uint8Array | string | Pending> = [];
  const channels: Array<SharedArrayBuffer | undefined> = new Array(workers);
  const cut = (): void => {
    if (cx.out.length > 0) pieces.push(cx.out.take().slice()); // take() is a view the next reply overwrites
  };
  try {
    for (;;) {
      const chunk = await conn.read();
      if (chunk === null) break;
      const { commands, error } = client.feed(chunk);
      const batches: BatchOp[][] = Array.from({ length: workers }, () => []);
      pieces = [];
      let remote = false;
      const place = (how: Pending['how'], parts: Array<[number, BatchOp]>, extra?: Partial<Pending>): Pending => {
        cut();
        remote = true;
        return { how, refs: parts.map(([shard, op]) => [shard, batches[shard]!.push(op) - 1]), ...extra };
      };
      const push = (piece: string | Pending): void => {
        cut();
        remote = true; // replies to put together in order
        pieces.push(piece);
      };
      for (const args of commands) {
        const name = text(args[0]!).toLowerCase();
        if (session.inMulti) {
          if (name === 'exec' && args.length === 1 && !session.queueFailed) push(exec(cx, host, place));
          else here(args);
        } else if (args.length >= 2 && SINGLE_KEY.has(name)) {
          // The common case: one key. Its own shard's command runs here, on the bytes; another's goes to its owner.
          const owner = ownerOfBytes(args[1]!, workers);
          if (owner === host.index) here(args);
          else push(place('one', [[owner, args]]));
        } else if (name === 'watch' && args.length >= 2) {
          push(WATCH_REFUSED);
        } else if (name === 'info') {
          cut();
          here(args);
          const local = text(cx.out.take());
          push(place('info', Array.from({ length: workers }, (_, shard) => [shard, [STAT_OP]]), { local }));
        } else {
          const strings = args.map(text);
          const r = route(name, strings, workers);
          if (r.kind === 'local') here(args);
          else if (r.kind === 'refuse') push(`-${r.error}\r\n`);
          else push(place(r.combine, r.parts, r.scanShard === undefined ? undefined : { scanShard: r.scanShard }));
        }
        if (session.quit) break;
      }
      state.store.sweep();
      if (error?.reply && !session.quit) cx.out.error(`ERR Protocol error: ${error.message}`);
      if (!remote) { // every reply was made here: one write, no copies
        if (cx.out.length > 0) await conn.write(cx.out.take());
      } else {
        cut();
        const results = await runBatches(batches, host, runOn, session.resp, channels);
        const reply = pieces.map((piece): Uint8Array => {
          if (piece instanceof Uint8Array) return piece;
          if (typeof piece === 'string') return Buffer.from(piece, 'latin1');
          const replies = piece.refs.map(([shard, at]) => results[shard]![at]!);
          return Buffer.from(piece.how === 'info' ? infoWithKeyspace(piece.local!, replies) : combine(piece.how, replies, piece.scanShard, workers), 'latin1');
        });
        await conn.write(Buffer.concat(reply));
      }
      if (session.quit || error) break;
    }
  } catch {
    // The peer reset the connection or the runtime is shutting down: nothing to reply to.
  } finally {
    channels.forEach((sab, shard) => { if (sab) host.channels[shard]!.push(sab); });
    state.close(session);
    await conn.close();
  }
}

/** EXEC of a transaction without queueing errors: run on its one shard, or refused when it spans several. */
function exec(cx: CommandContext, host: ShardHost, place: (how: Combine, parts: Array<[number, Op]>) => Pending): string | Pending {
  const queued = cx.session.queued!.map((args) => args.map(text));
  discardTransaction(cx);
  const shards = new Set<number>();
  let all = false;
  for (const command of queued) {
    const touched = shardsOf(command[0]!.toLowerCase(), command, host.workers);
    if (touched === 'all') all = true;
    else for (const shard of touched) shards.add(shard);
  }
  if (all || shards.size > 1) return `-${crossShard('MULTI/EXEC', all ? 'all' : shards)}\r\n`;
  const owner = shards.size === 1 ? [...shards][0]! : host.index;
  return place('one', [[owner, queued]]);
}

/** Every shard's replies to its batch: the own shard's at once, the others' through their workers. */
async function runBatches(batches: BatchOp[][], host: ShardHost, runOn: RunOn, resp: Protocol,
  channels: Array<SharedArrayBuffer | undefined>): Promise<string[][]> {
  const results: string[][] = new Array(batches.length);
  const waits: Array<PromiseLike<void>> = [];
  batches.forEach((ops, shard) => {
    if (ops.length === 0) return;
    if (shard === host.index) {
      results[shard] = runOps(host.state, ops.map(asValues), resp);
      return;
    }
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
    if (Array.isArray(op[0]) || op[0] === STAT_OP) return -1;
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
