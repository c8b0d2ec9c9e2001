// Incremental RESP2 request parser: multibulk frames (what clients send) and inline commands (telnet).
//
// HOW: a read that starts on a frame boundary (nothing held from before: a pipelined batch, the
// usual case) is parsed where it lies, and each argument is a view into it, not a copy (but for a
// read of at most ON_HEAP_BYTES: a view would move so small an array out of V8's heap). Otherwise
// chunks are queued until there are enough bytes for the next step (a whole header line, or the
// whole body of a bulk string whose length is known), then flattened once and parsed from `pos`.
// A frame split across reads resumes where it stopped: `pending` holds the arguments parsed so
// far (copied out of the read at the end of `feed`, so a frame in progress holds only its own
// bytes), `remaining` how many are still expected and `bulkLength` the body being waited for.
// WHY not re-scan from the frame's start on every read: a 10 MB value arriving in 64 KiB reads
// would then cost O(n²). WHY views: a copy, and its allocation, per argument was a tenth of the
// server's time under a pipelined SET load; whoever keeps an argument beyond the command (the store,
// a MULTI queue) copies it.
//
// Memory: nothing is allocated from what a header announces. `*2000000000` or `$536870912` cost a
// few bytes until the bytes themselves arrive; the buffered bytes plus the arguments of the command
// in progress are capped by `maxQueryBuffer` (Redis's client-query-buffer-limit), one bulk string
// by `maxBulkLength` (proto-max-bulk-len), and a header or inline line by 64 KiB.
//
// The grammar follows Redis's networking.c, quirks included, so that a differential test against a
// real redis-server sees the same replies: a header ends at the first CR (the byte after it is
// skipped unchecked), so is a bulk body (the two bytes after it are skipped), a NUL byte hides a
// line end, `*0` and `*-1` are empty commands, integers are read as string2ll reads them.
//
// A malformed frame is not recoverable (the stream has lost its framing), so `feed` reports the
// error and the server replies `-ERR Protocol error: ...` and closes that connection, like Redis.
import { concat, indexOfStopAtNul, ON_HEAP_BYTES, parseInt64Number } from './bytes.js';
import { splitInlineArgs } from './inline-args.js';

/** Redis's defaults: proto-max-bulk-len, client-query-buffer-limit, the inline/header line limit. */
export const MAX_BULK = 512 * 1024 * 1024;
export const MAX_QUERY_BUFFER = 1024 * 1024 * 1024;
export const MAX_INLINE = 64 * 1024;
/** The most arguments one command may announce (Redis: INT_MAX). */
export const MAX_ARGS = 2 ** 31 - 1;
/** Chunks under this size are copied into a spare buffer of SPARE_SIZE while buffered (see `hold`). */
const SMALL_CHUNK = 1024;
const SPARE_SIZE = 16 * 1024;
/** What one argument costs beyond its bytes, counted against `maxQueryBuffer`. */
const ARG_OVERHEAD = 64;

export interface ParserLimits {
  /** The longest bulk string accepted (proto-max-bulk-len); longer gets "invalid bulk length". */
  maxBulkLength?: number;
  /** The most bytes one connection may hold unparsed or in its command in progress; past it the
   *  connection is closed without a reply, as Redis does at client-query-buffer-limit. */
  maxQueryBuffer?: number;
}

export class ProtocolError extends Error {
  /** False when the connection is closed without a reply (query buffer limit). */
  readonly reply: boolean;

  constructor(message: string, reply = true) {
    super(message);
    this.name = 'ProtocolError';
    this.reply = reply;
  }
}

export interface FeedResult {
  /**
   * Complete commands, in order; each is its arguments (the name first). The arguments may be views
   * into the chunk fed: valid as long as the caller does not change that chunk; copy one to keep it.
   */
  commands: Uint8Array[][];
  /** Set when the stream was malformed after those commands; nothing more can be parsed. */
  error?: ProtocolError;
}

export class RespParser {
  private readonly maxBulkLength: number;
  private readonly maxQueryBuffer: number;
  /** Unparsed chunks, oldest first; `buffered` is their total length. */
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  /** Small chunks received since the last flatten, copied end to end: `spare[0, spareUsed)` follows `chunks`. */
  private spare: Uint8Array | null = null;
  private spareUsed = 0;
  /** Do not flatten until this many bytes are buffered (the rest of a known bulk). */
  private need = 0;
  /** The multibulk frame in progress: its arguments so far, how many are still to come, their cost. */
  private pending: Uint8Array[] | null = null;
  private remaining = 0;
  private pendingCost = 0;
  /** `pending[0, ownedArgs)` are copies; the rest are views into the buffer being parsed. */
  private ownedArgs = 0;
  /**
   * The ArrayBuffer under the buffer being parsed, and where that buffer starts in it (read once per
   * feed); null for a buffer of at most ON_HEAP_BYTES, whose arguments are copies: reading `.buffer`
   * of so small an array would move it out of V8's heap (a malloc, and a free on a background thread).
   */
  private backing: ArrayBufferLike | null = null;
  private backingOffset = 0;
  /** The announced length of the bulk body being read, or -1 while its `$` header is awaited. */
  private bulkLength = -1;
  private failed: ProtocolError | null = null;

  constructor(limits: ParserLimits = {}) {
    this.maxBulkLength = limits.maxBulkLength ?? MAX_BULK;
    this.maxQueryBuffer = limits.maxQueryBuffer ?? MAX_QUERY_BUFFER;
  }

  /** Bytes held right now: unparsed input plus the arguments of the command in progress. */
  get heldBytes(): number {
    return this.buffered + this.pendingCost;
  }

  feed(chunk: Uint8Array): FeedResult {
    const commands: Uint8Array[][] = [];
    if (this.failed) return { commands, error: this.failed };
    let buf: Uint8Array;
    if (this.buffered === 0) {
      // Nothing held from before: parse the read where it lies.
      buf = chunk;
      this.buffered = chunk.length;
      if (this.heldBytes > this.maxQueryBuffer) return this.fail(commands, new ProtocolError('query buffer limit reached', false));
    } else {
      this.hold(chunk);
      if (this.heldBytes > this.maxQueryBuffer) return this.fail(commands, new ProtocolError('query buffer limit reached', false));
      if (this.buffered < this.need) return { commands };
      this.sealSpare();
      buf = concat(this.chunks, this.buffered);
    }
    this.backing = buf.length <= ON_HEAP_BYTES ? null : buf.buffer;
    this.backingOffset = buf.byteOffset;
    let pos = 0;
    try {
      for (;;) {
        let next = this.pending ? -1 : this.parseWholeFrame(buf, pos, commands);
        if (next < 0) next = this.pending ? this.parseArgument(buf, pos) : this.parseStart(buf, pos, commands);
        if (next < 0) break;
        pos = next;
        if (this.pending && this.remaining === 0) {
          commands.push(this.pending);
          this.pending = null;
          this.pendingCost = 0;
          this.ownedArgs = 0;
        }
      }
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      return this.fail(commands, error);
    }
    this.keepRest(buf, pos);
    return { commands };
  }

  /**
   * After a feed: copies the frame in progress's new arguments out of `buf`, and keeps `buf[pos..]`
   * for the next feed — a copy when it is under half of `buf`, so a small remainder does not pin a
   * large read.
   */
  private keepRest(buf: Uint8Array, pos: number): void {
    const pending = this.pending;
    if (pending !== null) {
      for (let i = this.ownedArgs; i < pending.length; i++) pending[i] = pending[i]!.slice();
      this.ownedArgs = pending.length;
    }
    const rest = buf.length - pos;
    this.buffered = rest;
    if (rest === 0) this.chunks = [];
    else this.chunks = [rest * 2 < buf.length ? buf.slice(pos) : buf.subarray(pos)];
  }

  /**
   * Queues a chunk. Small chunks are copied into one spare buffer instead, so a client trickling a
   * few bytes per packet cannot make us keep one object (about 100 bytes of bookkeeping) per packet.
   */
  private hold(chunk: Uint8Array): void {
    this.buffered += chunk.length;
    if (chunk.length >= SMALL_CHUNK) {
      this.sealSpare();
      this.chunks.push(chunk);
      return;
    }
    if (this.spare === null || this.spareUsed + chunk.length > this.spare.length) {
      this.sealSpare();
      this.spare = new Uint8Array(SPARE_SIZE);
    }
    this.spare.set(chunk, this.spareUsed);
    this.spareUsed += chunk.length;
  }

  /** Moves what the spare buffer holds into `chunks` (a copy if it is mostly empty, so it holds no slack). */
  private sealSpare(): void {
    if (this.spare === null) return;
    if (this.spareUsed > 0) {
      this.chunks.push(this.spareUsed * 2 < this.spare.length ? this.spare.slice(0, this.spareUsed) : this.spare.subarray(0, this.spareUsed));
    }
    this.spare = null;
    this.spareUsed = 0;
  }

  private fail(commands: Uint8Array[][], error: ProtocolError): FeedResult {
    this.failed = error;
    this.chunks = [];
    this.spare = null;
    this.spareUsed = 0;
    this.buffered = 0;
    this.pending = null;
    this.pendingCost = 0;
    this.ownedArgs = 0;
    return { commands, error };
  }

  /**
   * The fast path: a whole, well-formed multibulk frame at `pos`, parsed in one go with no state kept
   * between its steps. Returns the position after it, or -1 for anything else — a frame that is
   * incomplete, malformed, empty, over a limit, or an inline command — which the step-by-step
   * parser then takes from `pos` with every check and error message of its own; so this path
   * accepts exactly what that one would, and gives the same arguments.
   */
  private parseWholeFrame(buf: Uint8Array, pos: number, commands: Uint8Array[][]): number {
    const length = buf.length;
    if (pos >= length || buf[pos] !== 42 /* * */) return -1;
    let cr = indexOfStopAtNul(buf, 13, pos);
    if (cr < 0 || cr + 1 >= length) return -1;
    const count = parseInt64Number(buf, pos + 1, cr);
    if (count === null || count <= 0 || count > MAX_ARGS) return -1;
    const args: Uint8Array[] = [];
    let cost = 0;
    let at = cr + 2;
    for (let i = 0; i < count; i++) {
      if (at >= length || buf[at] !== 36 /* $ */) return -1;
      cr = indexOfStopAtNul(buf, 13, at);
      if (cr < 0 || cr + 1 >= length) return -1;
      const size = parseInt64Number(buf, at + 1, cr);
      if (size === null || size < 0 || size > this.maxBulkLength) return -1;
      const start = cr + 2;
      if (start + size + 2 > length) return -1;
      cost += size + ARG_OVERHEAD;
      if (cost > this.maxQueryBuffer) return -1;
      args.push(this.argument(buf, start, size));
      at = start + size + 2; // the two bytes after the body are skipped unchecked, as Redis does
    }
    commands.push(args);
    return at;
  }

  /** `size` bytes of `buf` from `start`: a view into the read, or a copy of a small one (see `backing`). */
  private argument(buf: Uint8Array, start: number, size: number): Uint8Array {
    return this.backing === null ? buf.slice(start, start + size) : new Uint8Array(this.backing, this.backingOffset + start, size);
  }

  /** A new command at `pos`: a multibulk header or an inline line. Returns the next position or -1 (need more). */
  private parseStart(buf: Uint8Array, pos: number, commands: Uint8Array[][]): number {
    if (pos >= buf.length) return -1;
    if (buf[pos] !== 42 /* * */) return this.parseInline(buf, pos, commands);
    const cr = this.headerEnd(buf, pos, 'too big mbulk count string');
    if (cr < 0) return -1;
    const count = parseInt64Number(buf, pos + 1, cr);
    if (count === null || count > MAX_ARGS) throw new ProtocolError('invalid multibulk length');
    if (count > 0) {
      this.pending = [];
      this.remaining = count;
      this.bulkLength = -1;
    }
    return cr + 2;
  }

  /** One step of the frame in progress: a `$<len>` header, or the body it announced. Returns the next position or -1. */
  private parseArgument(buf: Uint8Array, pos: number): number {
    if (this.bulkLength < 0) {
      if (pos >= buf.length) return -1;
      const cr = this.headerEnd(buf, pos, 'too big bulk count string');
      if (cr < 0) return -1;
      if (buf[pos] !== 36 /* $ */) {
        // Redis formats the byte with %c into a C string: a NUL byte ends the message there.
        const got = buf[pos] === 0 ? '' : `${String.fromCharCode(buf[pos]!)}'`;
        throw new ProtocolError(`expected '$', got '${got}`);
      }
      const length = parseInt64Number(buf, pos + 1, cr);
      if (length === null || length < 0 || length > this.maxBulkLength) throw new ProtocolError('invalid bulk length');
      this.bulkLength = length;
      return cr + 2;
    }
    const end = pos + this.bulkLength;
    if (buf.length < end + 2) {
      this.need = this.bulkLength + 2;
      return -1;
    }
    this.need = 0;
    this.pending!.push(this.argument(buf, pos, this.bulkLength));
    this.pendingCost += this.bulkLength + ARG_OVERHEAD;
    this.bulkLength = -1;
    this.remaining -= 1;
    if (this.pendingCost > this.maxQueryBuffer) throw new ProtocolError('query buffer limit reached', false);
    return end + 2; // the two bytes after the body are skipped unchecked, as Redis does
  }

  /** Position of the CR ending a header line at `pos` (with a byte after it), or -1 (need more). */
  private headerEnd(buf: Uint8Array, pos: number, tooBig: string): number {
    const cr = indexOfStopAtNul(buf, 13, pos);
    if (cr < 0) {
      if (buf.length - pos > MAX_INLINE) throw new ProtocolError(tooBig);
      return -1;
    }
    return cr + 1 < buf.length ? cr : -1;
  }

  /** An inline command: words split as Redis's sdssplitargs splits them, ended by \n. */
  private parseInline(buf: Uint8Array, pos: number, commands: Uint8Array[][]): number {
    const newline = indexOfStopAtNul(buf, 10, pos);
    if (newline < 0) {
      if (buf.length - pos > MAX_INLINE) throw new ProtocolError('too big inline request');
      return -1;
    }
    const lineEnd = newline > pos && buf[newline - 1] === 13 ? newline - 1 : newline;
    const words = splitInlineArgs(buf.subarray(pos, lineEnd));
    if (words === null) throw new ProtocolError('unbalanced quotes in request');
    if (words.length > 0) commands.push(words);
    return newline + 1;
  }
}
