// Incremental RESP2 request parser: multibulk frames (what clients send) and inline commands (telnet).
//
// HOW: chunks are queued until there are enough bytes for the next step (a whole line, or the whole
// body of a bulk string whose length is known), then flattened once and parsed from `pos`. A frame
// split across reads resumes where it stopped: `pending` holds the arguments parsed so far and
// `remaining` how many are still expected. WHY not re-scan from the frame's start on every read:
// a 10 MB value arriving in 64 KiB reads would then cost O(n²).
//
// A malformed frame is not recoverable (the stream has lost its framing), so `feed` reports the
// error and the server replies `-ERR Protocol error: ...` and closes that connection, like Redis.
import { concat, indexOfCrlf, latin1, parseDecimal } from './bytes.js';

/** The largest bulk string and the most arguments one command may carry (Redis's defaults). */
export const MAX_BULK = 512 * 1024 * 1024;
export const MAX_ARGS = 1024 * 1024;
/** An inline command or a frame header longer than this without a line end is an error. */
export const MAX_INLINE = 64 * 1024;

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export interface FeedResult {
  /** Complete commands, in order; each is its arguments (the name first). */
  commands: Uint8Array[][];
  /** Set when the stream was malformed after those commands; nothing more can be parsed. */
  error?: ProtocolError;
}

export class RespParser {
  /** Unparsed chunks, oldest first; `buffered` is their total length. */
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  /** Do not flatten until this many bytes are buffered (the rest of a known bulk). */
  private need = 0;
  /** The multibulk frame in progress: its arguments so far and how many are still to come. */
  private pending: Uint8Array[] | null = null;
  private remaining = 0;
  private failed: ProtocolError | null = null;

  feed(chunk: Uint8Array): FeedResult {
    const commands: Uint8Array[][] = [];
    if (this.failed) return { commands, error: this.failed };
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered < this.need) return { commands };
    const buf = concat(this.chunks, this.buffered);
    let pos = 0;
    try {
      for (;;) {
        const next = this.pending ? this.parseBulk(buf, pos) : this.parseStart(buf, pos, commands);
        if (next < 0) break;
        pos = next;
        if (this.pending && this.remaining === 0) {
          commands.push(this.pending);
          this.pending = null;
        }
      }
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.failed = error;
      this.chunks = [];
      this.buffered = 0;
      return { commands, error };
    }
    const rest = buf.subarray(pos);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    if (this.pending === null && this.buffered > MAX_INLINE && indexOfCrlf(rest, 0) < 0) {
      this.failed = new ProtocolError(buf[pos] === 42 ? 'too big mbulk count string' : 'too big inline request');
      return { commands, error: this.failed };
    }
    return { commands };
  }

  /** A new command at `pos`: a multibulk header or an inline line. Returns the next position or -1 (need more). */
  private parseStart(buf: Uint8Array, pos: number, commands: Uint8Array[][]): number {
    if (pos >= buf.length) return -1;
    if (buf[pos] !== 42 /* * */) return this.parseInline(buf, pos, commands);
    const end = indexOfCrlf(buf, pos);
    if (end < 0) return -1;
    const count = parseDecimal(buf, pos + 1, end);
    if (Number.isNaN(count) || count > MAX_ARGS) throw new ProtocolError('invalid multibulk length');
    if (count > 0) {
      this.pending = [];
      this.remaining = count;
    }
    return end + 2;
  }

  /** The next `$<len>\r\n<bytes>\r\n` of the frame in progress, or -1 (need more). */
  private parseBulk(buf: Uint8Array, pos: number): number {
    if (pos >= buf.length) return -1;
    if (buf[pos] !== 36 /* $ */) {
      throw new ProtocolError(`expected '$', got '${String.fromCharCode(buf[pos]!)}'`);
    }
    const end = indexOfCrlf(buf, pos);
    if (end < 0) {
      if (buf.length - pos > 32) throw new ProtocolError('invalid bulk length');
      return -1;
    }
    const length = parseDecimal(buf, pos + 1, end);
    if (Number.isNaN(length) || length < 0 || length > MAX_BULK) throw new ProtocolError('invalid bulk length');
    const start = end + 2;
    if (buf.length < start + length + 2) {
      this.need = (start + length + 2) - pos;
      return -1;
    }
    this.need = 0;
    if (buf[start + length] !== 13 || buf[start + length + 1] !== 10) {
      throw new ProtocolError('bulk string not terminated by CRLF');
    }
    this.pending!.push(buf.slice(start, start + length));
    this.remaining -= 1;
    return start + length + 2;
  }

  /** An inline command: words separated by spaces, "double" or 'single' quotes, ended by \n. */
  private parseInline(buf: Uint8Array, pos: number, commands: Uint8Array[][]): number {
    const newline = buf.indexOf(10, pos);
    if (newline < 0) return -1;
    const lineEnd = newline > pos && buf[newline - 1] === 13 ? newline - 1 : newline;
    const words = splitArgs(latin1(buf.subarray(pos, lineEnd)));
    if (words.length > 0) commands.push(words);
    return newline + 1;
  }
}

/** Splits an inline command like Redis's sdssplitargs: quotes group words, \" and \xHH escape. */
function splitArgs(line: string): Uint8Array[] {
  const words: Uint8Array[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (i >= line.length) break;
    const bytes: number[] = [];
    const quote = line[i] === '"' || line[i] === "'" ? line[i++] : null;
    for (;;) {
      if (i >= line.length) {
        if (quote) throw new ProtocolError('unbalanced quotes in request');
        break;
      }
      const c = line[i]!;
      if (quote === null && (c === ' ' || c === '\t')) break;
      if (quote !== null && c === quote) {
        i++;
        if (i < line.length && line[i] !== ' ' && line[i] !== '\t') throw new ProtocolError('unbalanced quotes in request');
        break;
      }
      if (quote === '"' && c === '\\' && i + 1 < line.length) {
        const hex = line[i + 1] === 'x' ? line.slice(i + 2, i + 4) : '';
        if (/^[0-9a-fA-F]{2}$/.test(hex)) { bytes.push(parseInt(hex, 16)); i += 4; continue; }
        const escaped = line[i + 1]!;
        bytes.push(({ n: 10, r: 13, t: 9, b: 8, a: 7 } as Record<string, number>)[escaped] ?? escaped.charCodeAt(0));
        i += 2;
        continue;
      }
      bytes.push(c.charCodeAt(0));
      i++;
    }
    words.push(Uint8Array.from(bytes));
  }
  return words;
}
