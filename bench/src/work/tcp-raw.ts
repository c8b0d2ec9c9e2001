// A reference row for the tcp bench: the leanest promise-based ping-pong on raw node:net sockets. (The raw
// baseline itself — echo and ping-pong on node:net — is net-like.ts's workloads over `rawNet`.)
import net from 'node:net';
import { once } from 'node:events';

/**
 * A reference, not a peer: the leanest promise-based read/write loop over raw sockets on both ends
 * (one stored resolver per socket, no checks, no flow control, no cancellation). It shows what the
 * awaits a promise API needs cost by themselves, next to `Connection`.
 */
export async function promisePingPong(rounds: number): Promise<number> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined); // the client may reset it while closing
    socket.setNoDelay(true);
    void (async () => {
      const reads = new LeanReads(socket);
      for (;;) {
        const chunk = await reads.next();
        if (chunk === null) break;
        socket.write(chunk);
        await RESOLVED; // as `await conn.write(chunk)` does once the bytes went to the kernel
      }
    })();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  const client = net.connect({ host: '127.0.0.1', port, noDelay: true });
  await once(client, 'connect');
  const reads = new LeanReads(client);
  const one = new Uint8Array([0x2a]);
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    client.write(one);
    await RESOLVED;
    const data = await reads.next();
    if (data === null || data.byteLength !== 1) throw new Error(`round ${r}: got ${data === null ? 'end of stream' : `${data.byteLength} bytes`}`);
  }
  const ms = performance.now() - t0;
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return ms;
}

const RESOLVED = Promise.resolve();

/** Reads as promises: a chunk goes to the one waiting reader, or into a queue. */
class LeanReads {
  private readonly queue: Array<Buffer | null> = [];
  private waiting: ((chunk: Buffer | null) => void) | undefined;

  constructor(socket: net.Socket) {
    const deliver = (chunk: Buffer | null): void => {
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting) waiting(chunk);
      else this.queue.push(chunk);
    };
    socket.on('data', deliver);
    socket.on('close', () => deliver(null));
  }

  next(): Promise<Buffer | null> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift()!);
    return new Promise((resolve) => { this.waiting = resolve; });
  }
}
