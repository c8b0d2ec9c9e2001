// The same TCP workloads on raw node:net sockets, the baseline: an echo server that pipes the
// socket into itself, a client that writes with backpressure and counts what comes back.
import net from 'node:net';
import { once } from 'node:events';

async function open(): Promise<{ client: net.Socket; close: () => Promise<void> }> {
  const server = net.createServer((s) => {
    s.on('error', () => undefined); // the client may reset it while closing
    s.pipe(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  const client = net.connect({ host: '127.0.0.1', port, noDelay: true });
  await once(client, 'connect');
  return {
    client,
    close: async () => {
      client.end();
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export async function rawEchoThroughput(totalBytes: number, chunkBytes: number): Promise<number> {
  const { client, close } = await open();
  const chunk = Buffer.alloc(chunkBytes, 0x61);
  const t0 = performance.now();
  const done = new Promise<void>((resolve, reject) => {
    let received = 0;
    client.on('data', (data: Buffer) => {
      received += data.byteLength;
      if (received >= totalBytes) resolve();
    });
    client.once('error', reject);
    client.once('end', () => reject(new Error(`echo ended after ${received} bytes`)));
  });
  let sent = 0;
  while (sent < totalBytes) {
    sent += chunkBytes;
    if (!client.write(chunk)) await once(client, 'drain');
  }
  await done;
  const ms = performance.now() - t0;
  client.removeAllListeners('end');
  await close();
  return ms;
}

export async function rawPingPong(rounds: number): Promise<number> {
  const { client, close } = await open();
  const one = Buffer.from([0x2a]);
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    let r = 0;
    client.on('data', (data: Buffer) => {
      if (data.byteLength !== 1) { reject(new Error(`round ${r}: got ${data.byteLength} bytes`)); return; }
      if (++r === rounds) resolve();
      else client.write(one);
    });
    client.once('error', reject);
    client.write(one);
  });
  const ms = performance.now() - t0;
  await close();
  return ms;
}

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
