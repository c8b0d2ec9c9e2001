// RESP2, the Redis wire protocol: encoding a command and parsing replies incrementally from a byte stream.
//
// HOW: the parser keeps the unread bytes and an offset. `next()` tries to parse one whole reply starting
// at the offset; when the bytes run out mid-reply it returns INCOMPLETE and leaves the offset where the
// reply began, so the next `push()` retries it with more bytes. Bulk strings are decoded as UTF-8 (BullMQ
// stores JSON and numbers); error replies become `ReplyError` values, returned rather than thrown, so an
// error inside an array (EXEC, pipelines) stays in its slot.

/** An error reply from Redis (`-ERR ...`), named as ioredis names it. */
export class ReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplyError';
  }
}

export type Reply = string | number | null | ReplyError | Reply[];

/** Returned by `next()` while the buffered bytes hold no whole reply. */
export const INCOMPLETE: unique symbol = Symbol('incomplete');

const CR = 13;

export class ReplyParser {
  private buffer: Buffer = Buffer.alloc(0);
  private offset = 0;

  push(chunk: Buffer): void {
    if (this.offset >= this.buffer.length) {
      this.buffer = chunk;
    } else {
      this.buffer = Buffer.concat([this.buffer.subarray(this.offset), chunk]);
    }
    this.offset = 0;
  }

  /** The next whole reply, or INCOMPLETE. */
  next(): Reply | typeof INCOMPLETE {
    const start = this.offset;
    const reply = this.parse();
    if (reply === INCOMPLETE) this.offset = start;
    return reply;
  }

  private line(): string | typeof INCOMPLETE {
    const end = this.buffer.indexOf(CR, this.offset);
    if (end < 0 || end + 1 >= this.buffer.length) return INCOMPLETE;
    const text = this.buffer.toString('latin1', this.offset, end);
    this.offset = end + 2;
    return text;
  }

  private parse(): Reply | typeof INCOMPLETE {
    if (this.offset >= this.buffer.length) return INCOMPLETE;
    const type = this.buffer[this.offset++];
    const head = this.line();
    if (head === INCOMPLETE) return INCOMPLETE;
    switch (type) {
      case 0x2b: // '+'
        return head;
      case 0x2d: // '-'
        return new ReplyError(Buffer.from(head, 'latin1').toString('utf8'));
      case 0x3a: // ':'
        return Number(head);
      case 0x24: { // '$'
        const length = Number(head);
        if (length < 0) return null;
        if (this.offset + length + 2 > this.buffer.length) return INCOMPLETE;
        const text = this.buffer.toString('utf8', this.offset, this.offset + length);
        this.offset += length + 2;
        return text;
      }
      case 0x2a: { // '*'
        const count = Number(head);
        if (count < 0) return null;
        const items: Reply[] = new Array<Reply>(count);
        for (let i = 0; i < count; i++) {
          const item = this.parse();
          if (item === INCOMPLETE) return INCOMPLETE;
          items[i] = item;
        }
        return items;
      }
      default:
        throw new Error(`Redis protocol error: unexpected reply type ${JSON.stringify(String.fromCharCode(type!))}`);
    }
  }
}

export type Arg = string | number | Buffer | Uint8Array;

/** Encodes one command as a RESP array of bulk strings. */
export function encodeCommand(args: readonly Arg[]): Buffer {
  let binary = false;
  for (const arg of args) if (typeof arg === 'object') { binary = true; break; }
  if (!binary) {
    let text = `*${args.length}\r\n`;
    for (const arg of args) {
      const s = String(arg);
      text += `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
    }
    return Buffer.from(text);
  }
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === 'object' ? Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength) : Buffer.from(String(arg));
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}
