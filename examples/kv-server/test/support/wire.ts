// Raw RESP over a real socket, for tests that compare servers byte for byte or send what no client would.
import { connect } from 'node:net';

/** A decoded reply: strings as latin1, errors as { error }, the null bulk/array as null. */
export type WireReply = string | number | null | { error: string } | WireReply[];

/** One multibulk frame for `args`. */
export function frame(args: readonly string[]): Buffer {
  return Buffer.concat([Buffer.from(`*${args.length}\r\n`),
    ...args.flatMap((arg) => { const bytes = Buffer.from(arg, 'latin1'); return [Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n')]; })]);
}

/** One whole reply at `pos`, or null if more bytes are needed. */
export function parseReply(buf: Buffer, pos: number): { reply: WireReply; end: number } | null {
  const cr = buf.indexOf('\r\n', pos, 'latin1');
  if (cr < 0) return null;
  const line = buf.toString('latin1', pos + 1, cr);
  switch (String.fromCharCode(buf[pos]!)) {
    case '+': return { reply: line, end: cr + 2 };
    case '-': return { reply: { error: line }, end: cr + 2 };
    case ':': return { reply: Number(line), end: cr + 2 };
    case '$': {
      const length = Number(line);
      if (length < 0) return { reply: null, end: cr + 2 };
      if (buf.length < cr + 2 + length + 2) return null;
      return { reply: buf.toString('latin1', cr + 2, cr + 2 + length), end: cr + 2 + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { reply: null, end: cr + 2 };
      const items: WireReply[] = [];
      let at = cr + 2;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, at);
        if (!item) return null;
        items.push(item.reply);
        at = item.end;
      }
      return { reply: items, end: at };
    }
    default: throw new Error(`not a RESP reply at ${pos}: ${JSON.stringify(buf.toString('latin1', pos, pos + 40))}`);
  }
}

/** Sends every command pipelined in one write; resolves with exactly one reply per command. */
export function exchange(port: number, commands: readonly (readonly string[])[]): Promise<WireReply[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    const replies: WireReply[] = [];
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`only ${replies.length} of ${commands.length} replies`)); }, 10_000);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (let parsed = parseReply(buf, 0); parsed; parsed = parseReply(buf, 0)) {
        replies.push(parsed.reply);
        buf = buf.subarray(parsed.end);
      }
      if (replies.length >= commands.length) { clearTimeout(timer); socket.destroy(); resolve(replies); }
    });
    socket.on('error', (error) => { clearTimeout(timer); reject(error); });
    socket.write(Buffer.concat(commands.map(frame)));
    if (commands.length === 0) { clearTimeout(timer); socket.destroy(); resolve([]); }
  });
}

/**
 * Writes raw bytes (in the given pieces, one write each) and collects what comes back until the
 * server closes the connection or stays quiet for `quietMs`. `closed` tells which.
 */
export function rawExchange(port: number, pieces: readonly Uint8Array[], quietMs = 150): Promise<{ bytes: Buffer; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let quiet: NodeJS.Timeout | undefined;
    const finish = (closed: boolean) => { clearTimeout(quiet); socket.destroy(); resolve({ bytes: Buffer.concat(chunks), closed }); };
    const rearm = () => { clearTimeout(quiet); quiet = setTimeout(() => finish(false), quietMs); };
    socket.on('data', (chunk: Buffer) => { chunks.push(chunk); rearm(); });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? finish(true) : reject(error)));
    socket.on('connect', () => {
      for (const piece of pieces) socket.write(piece);
      rearm();
    });
  });
}
