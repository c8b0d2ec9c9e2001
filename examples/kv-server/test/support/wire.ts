// Raw RESP over a real socket, for tests that compare servers byte for byte or send what no client would.
import { connect } from 'node:net';
import { parseReply as parseLibraryReply, RedisError } from '../../src/lib/index.js';
import type { Reply } from '../../src/lib/index.js';

/** A decoded reply: strings as latin1, errors as { error }, the null bulk/array as null. */
export type WireReply = string | number | null | { error: string } | WireReply[];

/** One multibulk frame for `args`. */
export function frame(args: readonly string[]): Buffer {
  return Buffer.concat([Buffer.from(`*${args.length}\r\n`),
    ...args.flatMap((arg) => { const bytes = Buffer.from(arg, 'latin1'); return [Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n')]; })]);
}

/** The library's reply parser, with strings as latin1 and error replies as plain `{ error }` objects. */
export function parseReply(buf: Buffer, pos: number): { reply: WireReply; end: number } | null {
  const parsed = parseLibraryReply(buf, pos, (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1'));
  return parsed && { reply: plain(parsed.reply), end: parsed.end };
}

function plain(reply: Reply): WireReply {
  if (reply instanceof RedisError) return { error: reply.message };
  return Array.isArray(reply) ? reply.map(plain) : reply;
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
 * server closes the connection or stays quiet for `quietMs` (after a protocol error: until it
 * closes, however loaded the machine). `closed` tells which.
 */
export function rawExchange(port: number, pieces: readonly Uint8Array[], quietMs = 150,
  /** Once the bytes received match this, wait for the close however long it takes (up to 10 s). */
  closesAfter: RegExp = /-ERR Protocol error/): Promise<{ bytes: Buffer; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let quiet: NodeJS.Timeout | undefined;
    const finish = (closed: boolean) => { clearTimeout(quiet); socket.destroy(); resolve({ bytes: Buffer.concat(chunks), closed }); };
    const rearm = () => {
      clearTimeout(quiet);
      const closing = closesAfter.test(Buffer.concat(chunks).toString('latin1'));
      quiet = setTimeout(() => finish(false), closing ? 10_000 : quietMs);
    };
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
