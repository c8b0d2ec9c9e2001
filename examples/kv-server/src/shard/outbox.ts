// Shard-per-core: what this worker's connections send one other shard in one turn of the event loop, sent as one task.
//
// HOW: a connection hands its batch of plain commands for shard s to the worker's outbox for s (one
// per protocol: a task's replies are encoded in one). The first batch of a turn schedules a flush
// with setImmediate, which runs once the poll phase has given every readable connection its read
// and each of them has routed its commands. The flush writes the batches end to end, RESP-encoded,
// into a channel (a SharedArrayBuffer from the worker's pool), sends one shardRunShared task, and
// gives each batch its replies as a copy of its part of the channel, so the channel goes back to
// the pool as soon as the task answered. One flush takes at most half a channel of requests (the
// replies and their lengths need the rest); more batches make more flushes, and a batch that does
// not fit alone goes as values (shardRun).
// WHY: under a pipelined load about ten connections of a worker send the same shard a batch in each
// turn (measured: 9–12 with 50 clients and -P 16); one task instead of ten saves the other nine
// placements, their runs through the owner's task machinery and their wake-ups.
import { RespWriter } from '../lib/resp-writer.js';
import type { Protocol } from '../lib/resp-writer.js';
import type { Op } from './route.js';
import { latin1Text as text, repliesAt, replyTable } from './shard.js';
import type { ShardHost } from './shard.js';

/** Bytes of one channel; a flush fills at most half of it with requests. */
const CHANNEL_BYTES = 64 * 1024;

/** A command of a batch: its arguments as the read gave them (views), or as latin1 strings. */
export type Command = ReadonlyArray<Uint8Array | string>;

/** One shard's replies to one batch, in its order: latin1 strings, or RESP bytes where reply i ends at `ends[i]`. */
export type BatchReplies = readonly string[] | { readonly bytes: Uint8Array; readonly ends: Uint32Array };

/** Runs a batch on a shard: as values (shardRun), or RESP-encoded in a channel (shardRunShared). */
export interface ShardRunner {
  run(shard: number, ops: Op[], resp: Protocol): PromiseLike<string[]>;
  runShared(shard: number, sab: SharedArrayBuffer, length: number, resp: Protocol): PromiseLike<number | string[]>;
}

interface Queued {
  readonly commands: readonly Command[];
  readonly resolve: (replies: BatchReplies) => void;
}

/** Reply `i` of `replies` as a latin1 string. */
export function replyText(replies: BatchReplies, i: number): string {
  if (isStrings(replies)) return replies[i]!;
  return text(replies.bytes.subarray(i === 0 ? 0 : replies.ends[i - 1]!, replies.ends[i]!));
}

/** Appends reply `i` of `replies` to `out` as it came. */
export function appendReply(out: RespWriter, replies: BatchReplies, i: number): void {
  if (isStrings(replies)) out.appendLatin1(replies[i]!);
  else out.appendRange(replies.bytes, i === 0 ? 0 : replies.ends[i - 1]!, replies.ends[i]!);
}

/** What `count` commands sent to `shard` answer when it failed (its worker died, the runtime is closing). */
export function failedReplies(shard: number, count: number, error: unknown): string[] {
  const why = (error instanceof Error ? error.message : String(error)).replace(/[\r\n]+/g, ' ');
  return new Array<string>(count).fill(`-ERR shard ${shard} failed: ${why}\r\n`);
}

const isStrings = (replies: BatchReplies): replies is readonly string[] => Array.isArray(replies);

/** The batches of this worker's connections bound for one shard (in one protocol) this turn. */
export class Outbox {
  private queued: Queued[] = [];
  private scheduled = false;
  private readonly requests = new RespWriter();

  constructor(private readonly host: ShardHost, private readonly shard: number, private readonly resp: Protocol,
    private readonly runner: ShardRunner) {}

  /** The outbox of `host` for `shard` in protocol `resp` (made on first use). */
  static of(host: ShardHost, shard: number, resp: Protocol, runner: ShardRunner): Outbox {
    const key = shard * 4 + resp;
    let outbox = host.outboxes.get(key);
    if (!outbox) host.outboxes.set(key, outbox = new Outbox(host, shard, resp, runner));
    return outbox;
  }

  /** Sends plain commands (no transaction, no internal op) with the other batches of this turn; answers their replies. */
  send(commands: readonly Command[]): Promise<BatchReplies> {
    return new Promise((resolve) => {
      this.queued.push({ commands, resolve });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const queued = this.queued;
    this.queued = [];
    const pool = this.host.channels[this.shard]!;
    const requests = this.requests;
    for (let from = 0; from < queued.length;) {
      const sab = pool.pop() ?? new SharedArrayBuffer(CHANNEL_BYTES);
      const limit = sab.byteLength >> 1;
      let to = from;
      for (; to < queued.length; to++) {
        const mark = requests.length;
        for (const command of queued[to]!.commands) encode(requests, command);
        if (requests.length > limit) {
          requests.rewind(mark);
          break;
        }
      }
      if (to === from) { // too big for a channel on its own
        pool.push(sab);
        this.sendAsValues(queued[from++]!);
        continue;
      }
      const bytes = requests.take();
      new Uint8Array(sab).set(bytes);
      const batches = queued.slice(from, to);
      from = to;
      this.runner.runShared(this.shard, sab, bytes.length, this.resp)
        .then((answer) => deliver(batches, answer, sab, bytes.length))
        .then(() => pool.push(sab), (error: unknown) => this.fail(batches, error));
    }
  };

  private sendAsValues(batch: Queued): void {
    let ops: Op[];
    try {
      ops = batch.commands.map((command) => command.map((arg) => (typeof arg === 'string' ? arg : text(arg))));
    } catch (error) {
      // An argument longer than the engine's longest string (2^29 - 24 on V8, just under Redis's 512 MiB bulk limit).
      this.fail([batch], error);
      return;
    }
    this.runner.run(this.shard, ops, this.resp).then(batch.resolve, (error: unknown) => this.fail([batch], error));
  }

  private fail(batches: readonly Queued[], error: unknown): void {
    for (const batch of batches) batch.resolve(failedReplies(this.shard, batch.commands.length, error));
  }
}

/** `*n`, then each argument as a bulk string. */
function encode(out: RespWriter, command: Command): void {
  out.arrayHeader(command.length);
  for (const arg of command) {
    if (typeof arg === 'string') out.bulkText(arg);
    else out.bulk(arg);
  }
}

/** Gives each batch its part of the channel's answer (shard.ts's runShared: a reply count, or the replies as strings). */
function deliver(batches: readonly Queued[], answer: number | string[], sab: SharedArrayBuffer, length: number): void {
  let next = 0; // the first reply of the batch being delivered
  let total = 0;
  for (const batch of batches) total += batch.commands.length;
  const count = typeof answer === 'number' ? answer : answer.length;
  if (count !== total) throw new Error(`shard answered ${count} replies to ${total} commands`); // (a bug: fail the batches, do not misplace replies)
  if (typeof answer !== 'number') {
    for (const batch of batches) batch.resolve(answer.slice(next, (next += batch.commands.length)));
    return;
  }
  const lengths = new Uint32Array(sab, replyTable(length), answer);
  const view = new Uint8Array(sab);
  let at = repliesAt(length, answer);
  for (const batch of batches) {
    const n = batch.commands.length;
    const ends = new Uint32Array(n);
    let end = 0;
    for (let i = 0; i < n; i++) ends[i] = end += lengths[next + i]!;
    next += n;
    batch.resolve({ bytes: view.slice(at, (at += end)), ends });
  }
}
