// KvClient: a small RESP client over any runtime's Net (RESP2; it also reads the RESP3 replies this server sends) — used to drive the server inside a simulation.
import type { Connection, Net, SocketAddress } from '@runtime-traits/core';
import { concat, decodeUtf8, encodeUtf8, indexOfCrlf, parseDecimal, utf8Length } from './bytes.js';

/** An error reply (`-ERR ...`) from the server. */
export class RedisError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisError';
  }
}

/** A decoded reply: simple and bulk strings as UTF-8 text, the null bulk as null, integers as numbers. */
export type Reply = string | number | null | RedisError | Reply[];

type Arg = string | number | Uint8Array;

const NO_BYTES = new Uint8Array(0);
const ignore = (): void => undefined;
const CRLF = encodeUtf8('\r\n');

export class KvClient {
  /** Bytes read and not yet parsed: `buffered[offset..]` (an offset, not a view: see decodeUtf8). */
  private buffered: Uint8Array = NO_BYTES;
  private offset = 0;
  /** Commands run one after another: each waits for the previous one's replies. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly conn: Connection) {}

  static async connect(net: Net, to: SocketAddress): Promise<KvClient> {
    return new KvClient(await net.connect(to, { noDelay: true }));
  }

  /**
   * Sends one command; resolves with its reply, rejects with `RedisError` on an error reply. (The
   * pipeline's path for one command, without its arrays: a simulation sends millions of these.)
   */
  command(...args: Arg[]): Promise<Reply> {
    let bytes: Uint8Array;
    try {
      bytes = encodeCommand(args);
    } catch (error) {
      return Promise.reject(error);
    }
    const run = this.queue.then(() => this.roundTrip(bytes));
    this.queue = run.then(ignore, ignore);
    return run;
  }

  private async roundTrip(bytes: Uint8Array): Promise<Reply> {
    const sending = this.conn.write(bytes);
    let reply: Reply;
    try {
      reply = await this.readReply();
    } finally {
      await sending;
    }
    if (reply instanceof RedisError) throw reply;
    return reply;
  }

  /** Sends every command in one write, then reads as many replies (error replies stay in place). */
  pipeline(commands: Arg[][]): Promise<Reply[]> {
    const run = this.queue.then(async () => {
      // Read while still writing: a long pipeline's replies can fill the window before it is all sent.
      const sending = this.conn.write(concat(commands.map(encodeCommand)));
      const replies: Reply[] = [];
      try {
        while (replies.length < commands.length) replies.push(await this.readReply());
      } finally {
        await sending;
      }
      return replies;
    });
    this.queue = run.then(ignore, ignore);
    return run;
  }

  /** Raw bytes, for tests that need to send what no well-behaved client would. */
  async writeRaw(data: Uint8Array | string): Promise<void> {
    await this.conn.write(data);
  }

  /** The next reply, or null if the server closed the connection first. */
  async readReply(): Promise<Reply> {
    for (;;) {
      const parsed = parseReply(this.buffered, this.offset);
      if (parsed) {
        this.offset = parsed.end;
        return parsed.reply;
      }
      const chunk = await this.conn.read();
      if (chunk === null) throw new Error('connection closed by the server');
      this.buffered = this.offset === this.buffered.length ? chunk : concat([this.buffered.subarray(this.offset), chunk]);
      this.offset = 0;
    }
  }

  /** Resolves once the server has closed its side (after QUIT or a protocol error). */
  async ended(): Promise<boolean> {
    return (await this.conn.read()) === null;
  }

  async close(): Promise<void> {
    await this.conn.close();
  }
}

/**
 * One command in RESP. Text and numbers make one string, encoded once (one buffer per command, not
 * three per argument); byte arguments are copied in as they are.
 */
function encodeCommand(args: Arg[]): Uint8Array {
  if (args.some((arg) => arg instanceof Uint8Array)) {
    const parts: Uint8Array[] = [encodeUtf8(`*${args.length}\r\n`)];
    for (const arg of args) {
      const bytes = arg instanceof Uint8Array ? arg : encodeUtf8(String(arg));
      parts.push(encodeUtf8(`$${bytes.length}\r\n`), bytes, CRLF);
    }
    return concat(parts);
  }
  let text = `*${args.length}\r\n`;
  for (const arg of args) {
    const value = String(arg);
    text += `$${utf8Length(value)}\r\n${value}\r\n`;
  }
  return encodeUtf8(text);
}

/**
 * One whole reply starting at `pos`, or null if more bytes are needed. Strings are decoded with
 * `decode` (UTF-8 by default; a test comparing servers byte for byte passes latin1).
 */
export function parseReply(buf: Uint8Array, pos: number,
  decode?: (bytes: Uint8Array) => string): { reply: Reply; end: number } | null {
  const lineEnd = indexOfCrlf(buf, pos);
  if (lineEnd < 0) return null;
  const kind = String.fromCharCode(buf[pos]!);
  switch (kind) {
    case '+': return { reply: textOf(buf, pos + 1, lineEnd, decode), end: lineEnd + 2 };
    case '-': return { reply: new RedisError(textOf(buf, pos + 1, lineEnd, decode)), end: lineEnd + 2 };
    case ':': return { reply: Number(textOf(buf, pos + 1, lineEnd, decode)), end: lineEnd + 2 };
    case '$': {
      const length = parseDecimal(buf, pos + 1, lineEnd);
      if (length < 0) return { reply: null, end: lineEnd + 2 };
      const start = lineEnd + 2;
      if (buf.length < start + length + 2) return null;
      return { reply: textOf(buf, start, start + length, decode), end: start + length + 2 };
    }
    case '_': return { reply: null, end: lineEnd + 2 };
    case '=': { // RESP3 verbatim string: `=len\r\ntxt:text`, the text without its format
      const length = parseDecimal(buf, pos + 1, lineEnd);
      const start = lineEnd + 2;
      if (buf.length < start + length + 2) return null;
      return { reply: textOf(buf, start + 4, start + length, decode), end: start + length + 2 };
    }
    case '*': case '~': case '%': { // arrays, RESP3 sets and maps (a map as a flat key, value, ... array)
      const announced = parseDecimal(buf, pos + 1, lineEnd);
      if (announced < 0) return { reply: null, end: lineEnd + 2 };
      const count = kind === '%' ? announced * 2 : announced;
      const items: Reply[] = [];
      let at = lineEnd + 2;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, at, decode);
        if (!item) return null;
        items.push(item.reply);
        at = item.end;
      }
      return { reply: items, end: at };
    }
    default: throw new Error(`unexpected reply type ${JSON.stringify(kind)}`);
  }
}

/** `buf[start..end)` as text: `decode`'s, or UTF-8. */
function textOf(buf: Uint8Array, start: number, end: number, decode: ((bytes: Uint8Array) => string) | undefined): string {
  return decode ? decode(buf.subarray(start, end)) : decodeUtf8(buf, start, end);
}
