// Reply encoder, RESP2 or RESP3 per connection: appends replies to one growing buffer so a
// pipelined batch goes out in one write.
//
// The two protocols differ only where RESP3 has a richer type; each method below writes what Redis 7
// writes for it in each (networking.c: addReplyNull, addReplyNullArray, addReplyMapLen,
// addReplyVerbatim). Everything else — simple strings, errors, integers, bulk strings, arrays — is
// the same bytes in both.

/** The protocol a connection speaks: 2 until HELLO 3, back to 2 after HELLO 2 or RESET. */
export type Protocol = 2 | 3;

/** `$-1\r\n` / `*-1\r\n` / `_\r\n`, `+OK\r\n`, `+QUEUED\r\n` as bytes, copied rather than encoded per reply. */
const NULL_BULK = ascii('$-1\r\n');
const NULL_ARRAY = ascii('*-1\r\n');
const NULL3 = ascii('_\r\n');
const OK = ascii('+OK\r\n');

function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/**
 * A writer's first buffer. Small: every connection has one, and an idle connection should cost little
 * (a 16 KiB start made 2,000 open connections cost 32 MiB); the buffer doubles to what a batch needs once.
 */
const INITIAL_BYTES = 512;

/** Replies are written here, then `take()` hands the batch to the connection. */
export class RespWriter {
  /** Set by HELLO and RESET only (through `setProtocol` in commands/connection.ts, which keeps the session's copy). */
  protocol: Protocol = 2;
  private buf = new Uint8Array(INITIAL_BYTES);
  private len = 0;

  get length(): number {
    return this.len;
  }

  /** `+text` — text must not contain CR or LF (they are replaced by spaces). */
  simple(text: string): this {
    this.reserve(text.length + 3);
    this.buf[this.len++] = 43; // +
    return this.text(text).crlf();
  }

  /** `+OK`, the commonest reply. */
  ok(): this {
    return this.raw(OK);
  }

  /** `-ERR message`: the first word is the error kind (ERR, WRONGTYPE...). */
  error(message: string): this {
    this.reserve(message.length + 3);
    this.buf[this.len++] = 45; // -
    return this.text(message).crlf();
  }

  integer(value: number | bigint): this {
    return this.header(58 /* : */, value);
  }

  /** `$len` + bytes; `null` is Redis's null reply: `$-1` in RESP2, `_` in RESP3. */
  bulk(value: Uint8Array | null): this {
    if (value === null) return this.raw(this.protocol === 3 ? NULL3 : NULL_BULK);
    this.reserve(value.length + 24);
    this.header(36 /* $ */, value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
    return this.crlf();
  }

  /** A bulk string of latin1 text (one byte per char). */
  bulkText(text: string): this {
    this.reserve(text.length + 24);
    this.header(36 /* $ */, text.length);
    for (let i = 0; i < text.length; i++) this.buf[this.len++] = text.charCodeAt(i);
    return this.crlf();
  }

  /** The null array: `*-1` in RESP2 (EXEC after a WATCHed key changed), `_` in RESP3. */
  nullArray(): this {
    return this.raw(this.protocol === 3 ? NULL3 : NULL_ARRAY);
  }

  /** `*count`; the caller then writes `count` replies. */
  arrayHeader(count: number): this {
    return this.header(42 /* * */, count);
  }

  /** A map of `count` pairs: `%count` in RESP3, a flat array of 2 x count items in RESP2. The caller writes key, value, key, value... */
  mapHeader(count: number): this {
    return this.protocol === 3 ? this.header(37 /* % */, count) : this.header(42, count * 2);
  }

  /** Text meant for people (INFO, CLIENT LIST): a verbatim string `=len\r\ntxt:...` in RESP3, a bulk string in RESP2. */
  verbatim(text: string): this {
    if (this.protocol === 2) return this.bulkText(text);
    this.reserve(text.length + 28);
    this.header(61 /* = */, text.length + 4);
    this.buf[this.len++] = 116; // t
    this.buf[this.len++] = 120; // x
    this.buf[this.len++] = 116; // t
    this.buf[this.len++] = 58; // :
    for (let i = 0; i < text.length; i++) this.buf[this.len++] = text.charCodeAt(i);
    return this.crlf();
  }

  /** Bytes that are already RESP (a reply made elsewhere), as they are. */
  append(bytes: Uint8Array): this {
    return this.raw(bytes);
  }

  /** `bytes[start, end)`, already RESP, as they are (no view made for a short range). */
  appendRange(bytes: Uint8Array, start: number, end: number): this {
    this.reserve(end - start);
    if (end - start > 64) this.buf.set(bytes.subarray(start, end), this.len);
    else for (let i = start; i < end; i++) this.buf[this.len + i - start] = bytes[i]!;
    this.len += end - start;
    return this;
  }

  /** RESP held in a latin1 string (one byte per char), as it is. */
  appendLatin1(resp: string): this {
    this.reserve(resp.length);
    for (let i = 0; i < resp.length; i++) this.buf[this.len++] = resp.charCodeAt(i);
    return this;
  }

  /** Drops whatever was written after `length` was `mark` (a reply half-written when a command failed). */
  rewind(mark: number): void {
    if (mark >= 0 && mark <= this.len) this.len = mark;
  }

  /**
   * The batch so far, as a view of the writer's buffer, and the writer starts empty again. The view
   * is valid until the next reply is written: the server awaits its write() first (the contract lets
   * a writer reuse its buffer once write() resolved), so no batch is copied.
   */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.len);
    this.len = 0;
    // A huge batch (KEYS over a big keyspace) leaves its buffer with `out`; the next batches start small again.
    if (this.buf.length > 1 << 20) this.buf = new Uint8Array(INITIAL_BYTES);
    return out;
  }

  /** `<kind><decimal>\r\n`, digits written straight into the buffer. */
  private header(kind: number, value: number | bigint): this {
    this.reserve(24);
    this.buf[this.len++] = kind;
    if (typeof value === 'number' && Number.isSafeInteger(value)) {
      let n = value;
      if (n < 0) {
        this.buf[this.len++] = 45;
        n = -n;
      }
      if (n < 10) {
        this.buf[this.len++] = 48 + n;
      } else {
        let digits = 1;
        for (let p = 10; p <= n; p *= 10) digits++;
        for (let i = this.len + digits - 1; i >= this.len; i--) {
          this.buf[i] = 48 + (n % 10);
          n = Math.floor(n / 10);
        }
        this.len += digits;
      }
    } else {
      const text = String(value);
      for (let i = 0; i < text.length; i++) this.buf[this.len++] = text.charCodeAt(i);
    }
    return this.crlf();
  }

  private crlf(): this {
    this.reserve(2);
    this.buf[this.len++] = 13;
    this.buf[this.len++] = 10;
    return this;
  }

  /** A latin1 string with CR/LF flattened, so a message can never break the framing. Room must be reserved. */
  private text(text: string): this {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      this.buf[this.len++] = c === 13 || c === 10 ? 32 : c & 0xff;
    }
    return this;
  }

  private raw(bytes: Uint8Array): this {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
    return this;
  }

  private reserve(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.len));
    this.buf = grown;
  }
}
