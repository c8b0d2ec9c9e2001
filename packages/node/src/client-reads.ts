// ClientReads: where a client socket of the node runtime reads (node:net's `onread`), so that a chunk
// skips the socket's own readable stream on its way to the Connection.
//
// HOW: while its reads are small, a socket reads into one buffer that every client socket of the
// thread shares, and each read's bytes are copied out at once (a read is handed over before the
// next one can start, so sharing is safe). A read that fills that buffer means a bulk transfer: the
// socket then reads into buffers of its own, each handed over whole — no copy — and a fresh one
// takes its place, until a read that fills less than half moves it back to the shared buffer. So an
// idle socket holds no buffer, and a big transfer costs what node:net's own reads cost.
// WHY: a 1-byte ping-pong through NodeSocket measured ~4 % faster with `onread` than with 'data'
// events; copying every 64 KiB read out of one shared buffer cost the echo ~5 % of its CPU, which
// the hand-over removes.
import { Buffer } from 'node:buffer';

/** node:net's usual read size. */
const READ_SIZE = 64 * 1024;
const SHARED = Buffer.allocUnsafe(READ_SIZE);

/** One client socket's reads: pass `buffer` and `callback` as its `onread`; set `sink` once there is a Connection. */
export class ClientReads {
  /** Where the chunks go (a read before there is one, or of an abandoned socket, is dropped). */
  sink: ((chunk: Buffer) => void) | undefined = undefined;
  #next: Buffer = SHARED;

  /** node:net asks for the buffer of the next read, once at the start and after every read. */
  readonly buffer = (): Buffer => this.#next;

  readonly callback = (bytes: number, buffer: Uint8Array): boolean => {
    const handOver = buffer !== SHARED && bytes >= READ_SIZE / 2;
    let chunk: Buffer;
    if (handOver) chunk = Buffer.from(buffer.buffer, buffer.byteOffset, bytes);
    else {
      chunk = Buffer.allocUnsafe(bytes);
      chunk.set(buffer.subarray(0, bytes));
    }
    this.#next = handOver || bytes === READ_SIZE ? Buffer.allocUnsafe(READ_SIZE) : SHARED;
    this.sink?.(chunk);
    return true; // (false would stop reading; the Connection pauses the socket itself)
  };
}
