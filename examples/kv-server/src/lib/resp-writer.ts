// RESP2 reply encoder: appends replies to one growing buffer so a pipelined batch goes out in one write.

/** Replies are written here, then `take()` hands the batch to the connection. */
export class RespWriter {
  private buf = new Uint8Array(4096);
  private len = 0;

  get length(): number {
    return this.len;
  }

  /** `+text` — text must not contain CR or LF (they are replaced by spaces). */
  simple(text: string): this {
    return this.ascii('+').text(text).crlf();
  }

  /** `-ERR message`: the first word is the error kind (ERR, WRONGTYPE...). */
  error(message: string): this {
    return this.ascii('-').text(message).crlf();
  }

  integer(value: number | bigint): this {
    return this.ascii(`:${value}\r\n`);
  }

  /** `$len` + bytes, or the null bulk `$-1` for `null`. */
  bulk(value: Uint8Array | null): this {
    if (value === null) return this.ascii('$-1\r\n');
    this.ascii(`$${value.length}\r\n`);
    this.bytes(value);
    return this.crlf();
  }

  /** `*-1`, the null array (EXEC after a WATCHed key changed). */
  nullArray(): this {
    return this.ascii('*-1\r\n');
  }

  /** `*count`; the caller then writes `count` replies. */
  arrayHeader(count: number): this {
    return this.ascii(`*${count}\r\n`);
  }

  /** Drops whatever was written after `length` was `mark` (a reply half-written when a command failed). */
  rewind(mark: number): void {
    if (mark >= 0 && mark <= this.len) this.len = mark;
  }

  /** The batch so far; the writer starts empty again. */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.len);
    this.len = 0;
    if (this.buf.length > 1 << 20) this.buf = new Uint8Array(4096);
    return out;
  }

  private crlf(): this {
    this.reserve(2);
    this.buf[this.len++] = 13;
    this.buf[this.len++] = 10;
    return this;
  }

  /** A latin1 string with CR/LF flattened, so a message can never break the framing. */
  private text(text: string): this {
    this.reserve(text.length);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      this.buf[this.len++] = c === 13 || c === 10 ? 32 : c & 0xff;
    }
    return this;
  }

  private ascii(text: string): this {
    this.reserve(text.length);
    for (let i = 0; i < text.length; i++) this.buf[this.len++] = text.charCodeAt(i);
    return this;
  }

  private bytes(value: Uint8Array): void {
    this.reserve(value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
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
