// Replies decoded without losing a byte: each node keeps its RESP2/RESP3 type marker, so two
// replies are deep-equal exactly when their bytes are (`encode` rebuilds the bytes to prove it).
import { connect } from 'node:net';
import { frame } from './wire.js';

/**
 * One reply. `t` is the type byte: `+ - : $ * % ~ _ = , # ( |` (`>` pushes never come here).
 * `v` is the line or body as latin1 text, `null` for `$-1`/`*-1`/`_`, or the items of an aggregate
 * (a map's keys and values alternate).
 */
export interface Typed {
  t: string;
  v: string | null | Typed[];
}

const AGGREGATES = new Set(['*', '%', '~', '|']);
const BODIES = new Set(['$', '=', '!']);

/** The reply at `pos`, or null when more bytes are needed. Throws on a byte no server should send. */
export function decodeTyped(buf: Buffer, pos: number): { reply: Typed; end: number } | null {
  const cr = buf.indexOf('\r\n', pos, 'latin1');
  if (cr < 0) return null;
  const t = String.fromCharCode(buf[pos]!);
  const line = buf.toString('latin1', pos + 1, cr);
  if (BODIES.has(t)) {
    const length = Number(line);
    if (length < 0) return { reply: { t, v: null }, end: cr + 2 };
    const start = cr + 2;
    if (buf.length < start + length + 2) return null;
    return { reply: { t, v: buf.toString('latin1', start, start + length) }, end: start + length + 2 };
  }
  if (AGGREGATES.has(t)) {
    const announced = Number(line);
    if (announced < 0) return { reply: { t, v: null }, end: cr + 2 };
    const count = t === '%' || t === '|' ? announced * 2 : announced;
    const items: Typed[] = [];
    let at = cr + 2;
    for (let i = 0; i < count; i++) {
      const item = decodeTyped(buf, at);
      if (!item) return null;
      items.push(item.reply);
      at = item.end;
    }
    return { reply: { t, v: items }, end: at };
  }
  if (t === '_') return { reply: { t, v: null }, end: cr + 2 };
  if ('+-:,#('.includes(t)) return { reply: { t, v: line }, end: cr + 2 };
  throw new Error(`not a reply at byte ${pos}: ${JSON.stringify(buf.toString('latin1', pos, pos + 40))}`);
}

/** The bytes of a decoded reply (as latin1 text): `encodeTyped(decodeTyped(b)) === b`. */
export function encodeTyped(reply: Typed): string {
  const { t, v } = reply;
  if (v === null) return t === '_' ? '_\r\n' : `${t}-1\r\n`;
  if (Array.isArray(v)) {
    const count = t === '%' || t === '|' ? v.length / 2 : v.length;
    return `${t}${count}\r\n${v.map(encodeTyped).join('')}`;
  }
  return BODIES.has(t) ? `${t}${v.length}\r\n${v}\r\n` : `${t}${v}\r\n`;
}

/** Sends every command pipelined in one write; resolves with exactly one typed reply per command. */
export function exchangeTyped(port: number, commands: readonly (readonly string[])[]): Promise<Typed[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    const replies: Typed[] = [];
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`only ${replies.length} of ${commands.length} replies`)); }, 10_000);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      try {
        for (let parsed = decodeTyped(buf, 0); parsed; parsed = decodeTyped(buf, 0)) {
          const bytes = buf.toString('latin1', 0, parsed.end);
          if (encodeTyped(parsed.reply) !== bytes) throw new Error(`the typed decoding lost bytes of ${JSON.stringify(bytes)}`);
          replies.push(parsed.reply);
          buf = buf.subarray(parsed.end);
        }
      } catch (error) {
        clearTimeout(timer);
        socket.destroy();
        reject(error as Error);
        return;
      }
      if (replies.length >= commands.length) { clearTimeout(timer); socket.destroy(); resolve(replies); }
    });
    socket.on('error', (error) => { clearTimeout(timer); reject(error); });
    socket.write(Buffer.concat(commands.map(frame)));
    if (commands.length === 0) { clearTimeout(timer); socket.destroy(); resolve([]); }
  });
}
