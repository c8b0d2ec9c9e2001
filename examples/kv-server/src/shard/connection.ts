// Shard-per-core: serves one client connection on the worker that accepted it, sending each command to the shard that owns its keys and writing the replies in command order.
//
// Per read: every command is routed (route.ts); connection commands run here at once, store
// operations are batched per owning shard (one spawnOn per remote shard per read, the own shard run in
// place), and once every owner has answered the replies are put back in command order and written in
// one write. The next read is handled only after that, so a key's operations reach its shard in the
// order the client sent them, whoever owns the other keys.
import type { Connection, SocketAddress } from '@runtime-traits/core';
import { execute } from '../lib/commands/dispatch.js';
import { discardTransaction } from '../lib/commands/transactions.js';
import type { CommandContext } from '../lib/commands/command.js';
import { RespParser } from '../lib/resp-parser.js';
import { RespWriter } from '../lib/resp-writer.js';
import type { Protocol } from '../lib/resp-writer.js';
import { combine, infoWithKeyspace } from './combine.js';
import { crossShard, route, shardsOf, STAT_OP } from './route.js';
import type { Combine, Op } from './route.js';
import { latin1Text as text, runOps } from './shard.js';
import type { ShardHost } from './shard.js';

/** Runs operations on another worker's shard (spawnOn of shardRun). */
export type RunOn = (shard: number, ops: Op[], resp: Protocol) => PromiseLike<string[]>;

/** A reply still to be made from shard replies: refs are [shard, index in that shard's batch]. */
interface Pending {
  how: Combine | 'info';
  refs: Array<[number, number]>;
  local?: string;
  scanShard?: number;
}

const WATCH_REFUSED = '-ERR WATCH is not supported in shard-per-core mode\r\n';

function formatAddress(address: SocketAddress): string {
  return 'path' in address ? address.path : `${address.host}:${address.port}`;
}

export async function serveSharded(conn: Connection, host: ShardHost, runOn: RunOn): Promise<void> {
  const { state, workers } = host;
  const parser = new RespParser(state.limits);
  const session = state.open(formatAddress(conn.remoteAddress), formatAddress(conn.localAddress));
  const cx: CommandContext = { server: state, store: state.store, session, out: new RespWriter() };
  const here = (args: Uint8Array[]): string => {
    execute(args, cx);
    return text(cx.out.take());
  };
  try {
    for (;;) {
      const chunk = await conn.read();
      if (chunk === null) break;
      const { commands, error } = parser.feed(chunk);
      if (commands.length > 0) session.lastCommandAt = state.clock.now();
      const batches: Op[][] = Array.from({ length: workers }, () => []);
      const pieces: Array<string | Pending> = [];
      const place = (how: Pending['how'], parts: Array<[number, Op]>, extra?: Partial<Pending>): Pending =>
        ({ how, refs: parts.map(([shard, op]) => [shard, batches[shard]!.push(op) - 1]), ...extra });
      for (const args of commands) {
        const name = text(args[0]!).toLowerCase();
        if (session.inMulti) {
          pieces.push(name === 'exec' && args.length === 1 && !session.queueFailed ? exec(cx, host, place) : here(args));
        } else if (name === 'watch' && args.length >= 2) {
          pieces.push(WATCH_REFUSED);
        } else if (name === 'info') {
          const local = here(args);
          pieces.push(place('info', Array.from({ length: workers }, (_, shard) => [shard, [STAT_OP]]), { local }));
        } else {
          const strings = args.map(text);
          const r = route(name, strings, workers);
          if (r.kind === 'local') pieces.push(here(args));
          else if (r.kind === 'refuse') pieces.push(`-${r.error}\r\n`);
          else pieces.push(place(r.combine, r.parts, r.scanShard === undefined ? undefined : { scanShard: r.scanShard }));
        }
        if (session.quit) break;
      }
      const results = await runBatches(batches, host, runOn, session.resp);
      let reply = '';
      for (const piece of pieces) {
        if (typeof piece === 'string') reply += piece;
        else {
          const replies = piece.refs.map(([shard, at]) => results[shard]![at]!);
          reply += piece.how === 'info' ? infoWithKeyspace(piece.local!, replies) : combine(piece.how, replies, piece.scanShard, workers);
        }
      }
      if (error?.reply && !session.quit) reply += `-ERR Protocol error: ${error.message}\r\n`;
      if (reply.length > 0) await conn.write(Buffer.from(reply, 'latin1'));
      if (session.quit || error) break;
    }
  } catch {
    // The peer reset the connection or the runtime is shutting down: nothing to reply to.
  } finally {
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
async function runBatches(batches: Op[][], host: ShardHost, runOn: RunOn, resp: Protocol): Promise<string[][]> {
  const results: string[][] = new Array(batches.length);
  const waits: Array<PromiseLike<void>> = [];
  batches.forEach((ops, shard) => {
    if (ops.length === 0) return;
    if (shard === host.index) {
      results[shard] = runOps(host.state, ops, resp);
      return;
    }
    waits.push(runOn(shard, ops, resp).then((replies) => { results[shard] = replies; }, (error: unknown) => {
      const why = (error instanceof Error ? error.message : String(error)).replace(/[\r\n]+/g, ' ');
      results[shard] = ops.map(() => `-ERR shard ${shard} failed: ${why}\r\n`);
    }));
  });
  if (waits.length > 0) await Promise.all(waits);
  return results;
}
