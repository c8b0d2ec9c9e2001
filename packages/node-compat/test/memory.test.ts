// Backpressure end to end: 256 MiB from a writer that honours write()/'drain' to a reader that reads slowly
// (both NodeSockets on the node runtime) — the live heap plus Buffer memory stays under a fixed bound throughout.
import { expect } from 'chai';
import type net from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { NodeSocket } from '../src/index.js';
import { NodeRuntime } from '@runtime-traits/node';
import { createConnection, createServer } from '../src/index.js';

const TOTAL = 256 * 1024 * 1024;
const CHUNK = 64 * 1024;
/** What the transfer may add to the live heapUsed + arrayBuffers at its peak (a reader that buffered everything would add ~256 MiB). */
const BOUND = 32 * 1024 * 1024;

// Live memory, not garbage: each sample collects first, so how much garbage an engine lets pile up
// before it collects (Node 24 lets more than Node 20) does not count against the bound.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const used = (): number => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

describe('NodeSocket memory under a slow reader', function () {
  this.timeout(180_000);
  let rt: NodeRuntime;
  before(async () => { rt = await NodeRuntime.create(); });
  after(() => rt.shutdown());

  it(`should move 256 MiB to a slow reader with memory under ${BOUND / 1024 / 1024} MiB above the start`, async () => {
    let received = 0;
    const done = new Promise<void>((resolve) => {
      const server = createServer(rt.reactor, (socket: NodeSocket) => {
        socket.on('data', (chunk: Buffer) => {
          received += chunk.length;
          socket.pause(); // a slow consumer: one chunk per millisecond at most
          setTimeout(() => socket.resume(), 1);
        });
        socket.on('end', () => { server.close(); resolve(); });
      });
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        const client = createConnection(rt.reactor, { port, host: '127.0.0.1' });
        const chunk = Buffer.alloc(CHUNK, 0x5a);
        let sent = 0;
        const pump = (): void => {
          while (sent < TOTAL) {
            sent += CHUNK;
            if (!client.write(chunk)) {
              client.once('drain', pump);
              return;
            }
          }
          client.end();
        };
        client.on('connect', pump);
      });
    });
    const start = used();
    let peak = start;
    const sampler = setInterval(() => { peak = Math.max(peak, used()); }, 100);
    await done;
    clearInterval(sampler);
    expect(received).to.equal(TOTAL);
    const grew = peak - start;
    console.log(`      peak growth ${(grew / 1024 / 1024).toFixed(1)} MiB for ${TOTAL / 1024 / 1024} MiB moved`);
    expect(grew).to.be.below(BOUND);
  });
});
