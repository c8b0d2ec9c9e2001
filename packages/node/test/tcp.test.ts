// TCP: listen/connect, byte-exact transfer, half-close, cancelled reads and accepts, resets, backpressure, shutdown.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { expect } from 'chai';
import { CancelledError, NetError, RuntimeShutdownError, UnsupportedError } from '@runtime-traits/core';
import { NodeRuntime } from '../src/index.js';
import { connectedPair, outcome, readAll, stillPendingAfter } from './helpers.js';

const sha = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

describe('NodeRuntime TCP', () => {
  let rt: NodeRuntime;
  beforeEach(async () => { rt = await NodeRuntime.create(); });
  afterEach(() => rt.shutdown());

  describe('listen', () => {
    it('should bind 127.0.0.1 by default and report the real port for port 0', async () => {
      const listener = await rt.reactor.net.listen({ port: 0 });
      expect(listener.address).to.have.property('host', '127.0.0.1');
      expect((listener.address as { port: number }).port).to.be.above(0);
      await listener.close();
    });

    it('should reject EADDRINUSE for a port already taken', async () => {
      const first = await rt.reactor.net.listen({ port: 0 });
      const error = await outcome(rt.reactor.net.listen({ port: (first.address as { port: number }).port }));
      expect(NetError.is(error)).to.equal(true);
      expect((error as NetError).code).to.equal('EADDRINUSE');
      expect((error as NetError).cause).to.have.property('code', 'EADDRINUSE');
    });

    it('should reject reusePort with UnsupportedError where this Node lacks it', async function () {
      if (rt.capabilities.has('net.reusePort')) this.skip(); // capability present: nothing to refuse
      const error = await outcome(rt.reactor.net.listen({ port: 0 }, { reusePort: true }));
      expect(UnsupportedError.is(error)).to.equal(true);
      expect((error as UnsupportedError).capability).to.equal('net.reusePort');
    });

    it('should resolve a pending accept() with null once the listener closes, and later ones too', async () => {
      const listener = await rt.reactor.net.listen({ port: 0 });
      const pending = listener.accept();
      await listener.close();
      expect(await pending).to.equal(null);
      expect(await listener.accept()).to.equal(null);
      await listener.close(); // idempotent
    });

    it('should reject a cancelled accept() with CancelledError and keep accepting afterwards', async () => {
      const listener = await rt.reactor.net.listen({ port: 0 });
      const controller = new AbortController();
      const pending = listener.accept({ signal: controller.signal });
      controller.abort();
      expect(CancelledError.is(await outcome(pending))).to.equal(true);
      const [client, server] = await Promise.all([rt.reactor.net.connect(listener.address), listener.accept()]);
      expect(server).to.not.equal(null);
      await client.close();
    });

    it('should hand out connections through async iteration', async () => {
      const listener = await rt.reactor.net.listen({ port: 0 });
      const clients = await Promise.all([1, 2, 3].map(() => rt.reactor.net.connect(listener.address)));
      let count = 0;
      for await (const conn of listener) {
        await conn.close();
        if (++count === 3) break;
      }
      expect(count).to.equal(3);
      await Promise.all(clients.map((c) => c.close()));
    });

    it('should throw a RangeError naming the port for a port out of range', () => {
      expect(() => rt.reactor.net.listen({ port: 70000 })).to.throw(RangeError, /port/);
      expect(() => rt.reactor.net.connect({ host: '127.0.0.1', port: -1 })).to.throw(RangeError, /port/);
    });
  });

  describe('connect', () => {
    it('should reject ECONNREFUSED when nobody listens', async () => {
      const listener = await rt.reactor.net.listen({ port: 0 });
      const address = listener.address;
      await listener.close();
      const error = await outcome(rt.reactor.net.connect(address));
      expect(NetError.is(error)).to.equal(true);
      expect((error as NetError).code).to.equal('ECONNREFUSED');
    });

    it('should reject a cancelled connect() with CancelledError', async () => {
      const listener = await rt.reactor.net.listen({ port: 0 });
      const controller = new AbortController();
      const connecting = rt.reactor.net.connect(listener.address, { signal: controller.signal });
      controller.abort('too slow');
      const error = await outcome(connecting);
      expect(CancelledError.is(error)).to.equal(true);
      expect((error as Error).cause).to.equal('too slow');
      expect(CancelledError.is(await outcome(rt.reactor.net.connect(listener.address, { signal: AbortSignal.abort() })))).to.equal(true);
    });

    it('should report both addresses of a connection', async () => {
      const { client, server } = await connectedPair(rt.reactor.net);
      expect(client.remoteAddress).to.deep.equal(server.localAddress);
      expect(server.remoteAddress).to.deep.equal(client.localAddress);
    });
  });

  describe('a connection', () => {
    it('should keep every chunk a client read intact while its other clients read, bulk and small (client reads share a buffer)', async () => {
      const listener = await rt.reactor.net.listen({ port: 0 });
      const clients = await Promise.all([0, 1, 2].map(() => rt.reactor.net.connect(listener.address)));
      const servers = await Promise.all(clients.map(() => listener.accept()));
      const kept: Uint8Array[][] = [[], [], []];
      // Client 0 gets bulk (its reads fill the buffer), the others small writes, each its own byte, read
      // in turn; every chunk is kept as read, not copied.
      const size = (i: number, round: number): number => (i === 0 ? 200 * 1024 + round : 100 + round);
      // Bytes that differ from one read to the next (251 is prime: no read size repeats the pattern).
      const pattern = Buffer.from(Array.from({ length: 256 * 1024 }, (_, k) => k % 251));
      const data = (i: number, round: number): Buffer => {
        const from = (i * 83 + round * 29) % 251;
        return pattern.subarray(from, from + size(i, round));
      };
      for (let round = 0; round < 30; round++) {
        for (let i = 0; i < 3; i++) void servers[i]!.write(data(i, round));
        for (let i = 0; i < 3; i++) {
          let got = 0;
          while (got < size(i, round)) {
            const chunk = (await clients[i]!.read())!;
            kept[i]!.push(chunk);
            got += chunk.byteLength;
          }
        }
      }
      for (let i = 0; i < 3; i++) {
        const expected = Buffer.concat(Array.from({ length: 30 }, (_, round) => data(i, round)));
        expect(Buffer.concat(kept[i]!).equals(expected), `client ${i}'s chunks were overwritten by later reads`).to.equal(true);
      }
      await listener.close();
    });

    it('should carry 8 MiB byte-exact both ways', async () => {
      const { client, server } = await connectedPair(rt.reactor.net);
      const payload = randomBytes(8 * 1024 * 1024);
      const echo = (async () => {
        for await (const chunk of server) await server.write(chunk);
        await server.closeWrite();
      })();
      const received = readAll(client);
      for (let at = 0; at < payload.length; at += 100_000) await client.write(payload.subarray(at, at + 100_000));
      await client.closeWrite();
      const back = await received;
      await echo;
      expect(back.length).to.equal(payload.length);
      expect(sha(back)).to.equal(sha(payload));
    });

    it('should encode strings as UTF-8', async () => {
      const { client, server } = await connectedPair(rt.reactor.net);
      await client.write('héllo ✓');
      await client.closeWrite();
      expect((await readAll(server)).toString('utf8')).to.equal('héllo ✓');
    });

    it('should half-close: the peer reads null and can still answer', async () => {
      const { client, server } = await connectedPair(rt.reactor.net);
      await client.write('question');
      await client.closeWrite();
      expect((await readAll(server)).toString()).to.equal('question');
      expect(await server.read()).to.equal(null); // null forever
      await server.write('answer');
      await server.closeWrite();
      expect((await readAll(client)).toString()).to.equal('answer');
      await client.closed;
      await server.closed;
    });

    it('should reject a write after closeWrite() or close() with EPIPE', async () => {
      const { client } = await connectedPair(rt.reactor.net);
      await client.closeWrite();
      const afterHalf = await outcome(client.write('x'));
      expect((afterHalf as NetError).code).to.equal('EPIPE');
      await client.close();
      const afterClose = await outcome(client.write('x'));
      expect(NetError.is(afterClose)).to.equal(true);
      expect((afterClose as NetError).code).to.equal('EPIPE');
    });

    it('should not lose data when a read is cancelled', async () => {
      const { client, server } = await connectedPair(rt.reactor.net);
      const controller = new AbortController();
      const cancelled = server.read({ signal: controller.signal });
      controller.abort('changed my mind');
      const error = await outcome(cancelled);
      expect(CancelledError.is(error)).to.equal(true);
      expect((error as Error).cause).to.equal('changed my mind');
      await client.write('kept');
      await client.closeWrite();
      expect((await readAll(server)).toString()).to.equal('kept');
    });

    it('should resolve read() with null after a local close(), and close() should be idempotent', async () => {
      const { client, server } = await connectedPair(rt.reactor.net);
      const pending = server.read();
      await Promise.all([server.close(), server.close()]);
      expect(await pending).to.equal(null);
      expect(await server.read()).to.equal(null);
      expect(await client.read()).to.equal(null); // the peer sees the end too
      await client.close();
      await client.closed;
    });

    it('should reject read() with ECONNRESET when the peer resets', async () => {
      // The peer resets once it has heard from us (so the connect itself succeeds).
      const raw: Server = createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
      await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
      try {
        const port = (raw.address() as { port: number }).port;
        const conn = await rt.reactor.net.connect({ host: '127.0.0.1', port });
        await conn.write('hello?');
        const error = await outcome(conn.read());
        expect(NetError.is(error)).to.equal(true);
        expect((error as NetError).code).to.equal('ECONNRESET');
        await conn.closed; // closed never rejects
      } finally {
        raw.close();
      }
    });

    it('should keep reading null after end of stream even once writes start failing', async () => {
      const { client, server } = await connectedPair(rt.reactor.net);
      await server.write('bye');
      await server.close();
      expect((await readAll(client)).toString()).to.equal('bye');
      let failure: unknown;
      for (let i = 0; i < 1000 && failure === undefined; i++) {
        failure = await client.write('anyone there?').then(() => undefined, (error: unknown) => error);
        if (failure === undefined) await rt.reactor.clock.sleep(1);
      }
      expect(NetError.is(failure), 'writing to a closed peer fails').to.equal(true);
      expect(['EPIPE', 'ECONNRESET']).to.include((failure as NetError).code);
      expect(await client.read()).to.equal(null);
      await client.closed;
    });

    it('should make a fast writer wait while the peer does not read, with memory bounded', async () => {
      const { client, server } = await connectedPair(rt.reactor.net);
      const chunk = randomBytes(64 * 1024);
      let written = 0;
      let stalled: Promise<void> | undefined;
      while (written < 256 * 1024 * 1024) {
        const write = client.write(chunk);
        if (await stillPendingAfter(write, 0)) {
          // Not accepted at once: kernel buffers may be full. Confirm it stays pending, then drain.
          if (await stillPendingAfter(write, 500)) {
            stalled = write;
            break;
          }
        }
        await write;
        written += chunk.length;
      }
      expect(stalled, 'a write stayed pending').to.not.equal(undefined);
      expect(written).to.be.below(64 * 1024 * 1024); // bounded by socket buffers, not by the writer
      const drained = readAll(server);
      await stalled;
      await client.closeWrite();
      expect((await drained).length).to.equal(written + chunk.length);
    });
  });

  describe('after shutdown', () => {
    it('should close listeners and connections and refuse new ones with RuntimeShutdownError', async () => {
      const { listener, client, server } = await connectedPair(rt.reactor.net);
      const accepting = listener.accept();
      const reading = client.read();
      await rt.shutdown();
      expect(await accepting).to.equal(null);
      expect(await reading).to.equal(null);
      await client.closed;
      await server.closed;
      expect(RuntimeShutdownError.is(await outcome(rt.reactor.net.connect({ host: '127.0.0.1', port: 1 })))).to.equal(true);
      expect(RuntimeShutdownError.is(await outcome(rt.reactor.net.listen({ port: 0 })))).to.equal(true);
      expect(rt.reactor.net.openCount).to.deep.equal({ connections: 0, listeners: 0, udpSockets: 0, native: 0 });
    });
  });
});
