// Area: TCP connection endings — end of stream, half-close, reset, backpressure, aborts and listener close.
import { expect } from 'chai';
import { CancelledError, NetError, type Connection } from '@runtime-traits/core';
import type { Case, Harness } from '../harness.js';
import {
  connectedPair, describeError, eventually, expectReject, holds, listen, pattern, portOf, readAll, readChunk, readExactly, settle, text,
} from '../util.js';

const MiB = 1024 * 1024;
const gate = { needs: ['net.tcp' as const] };

/**
 * Writes `chunk` again and again, while the peer reads nothing, until one write is still waiting
 * after 20 ms: that write, its AbortController when `abortable`, and the bytes written (it included).
 */
async function writeUntilOneWaits(t: Case, conn: Connection, chunk: Uint8Array, abortable = false): Promise<{ waiting: Promise<void>; stop?: AbortController; written: number }> {
  let written = 0;
  for (let i = 0; i < 64; i++) {
    const stop = abortable ? new AbortController() : undefined;
    const write = conn.write(chunk, stop && { signal: stop.signal });
    written += chunk.length;
    const done = await Promise.race([write.then(() => true, () => true), t.clock.sleep(20).then(() => false)]);
    if (!done) return { waiting: write, stop, written };
  }
  throw new Error('no write ever waited though the peer read nothing');
}

export function tcpCloseArea(h: Harness): void {
  h.describe('tcp', () => {
    h.describe('end of stream and half-close', () => {
      h.it('read() gives null at end of stream, and null forever after', async (t) => {
        const { client, server } = await connectedPair(t);
        await server.write('bye');
        await server.close();
        expect(text(await readExactly(client, 3))).to.equal('bye');
        expect(await client.read()).to.equal(null);
        expect(await client.read()).to.equal(null);
        expect(await client.read()).to.equal(null);
      }, gate);
      h.it('closeWrite() makes the peer read null while this side can still read', async (t) => {
        const { client, server } = await connectedPair(t);
        await client.write('request');
        await client.closeWrite();
        expect(text(await readAll(server))).to.equal('request');
        await server.write('response');
        await server.closeWrite();
        expect(text(await readAll(client))).to.equal('response');
      }, gate);
      h.it('surfaces an error to a writer whose peer has closed, instead of accepting writes forever', async (t) => {
        const { client, server } = await connectedPair(t);
        await server.close();
        expect(await client.read()).to.equal(null);
        let error: unknown;
        for (let i = 0; i < 50 && error === undefined; i++) {
          try { await client.write(pattern(1024, i)); } catch (e) { error = e; }
          if (error === undefined) await t.clock.sleep(5);
        }
        expect(error, '50 writes to a closed peer all succeeded').to.not.equal(undefined);
        holds(NetError.is(error), 'a NetError', () => describeError(error));
        expect(['EPIPE', 'ECONNRESET']).to.include((error as NetError).code);
      }, gate);
      h.it('rejects write() after closeWrite() with NetError EPIPE', async (t) => {
        const { client } = await connectedPair(t);
        await client.closeWrite();
        await expectReject(client.write('too late'), NetError, { code: 'EPIPE' });
      }, gate);
      h.it('rejects write() after close() with NetError EPIPE', async (t) => {
        const { client } = await connectedPair(t);
        await client.close();
        await expectReject(client.write('too late'), NetError, { code: 'EPIPE' });
      }, gate);
      h.it('read() after a local close() resolves null', async (t) => {
        const { client, server } = await connectedPair(t);
        await server.write('unread');
        await t.clock.sleep(50); // the bytes have arrived, unread
        await client.close();
        expect(await client.read()).to.equal(null);
      }, gate);
      h.it('a read() pending when the connection is closed locally resolves null', async (t) => {
        const { client } = await connectedPair(t);
        const pending = client.read();
        await t.clock.sleep(5);
        await client.close();
        expect(await pending).to.equal(null);
      }, gate);
      h.it('close() is idempotent', async (t) => {
        const { client } = await connectedPair(t);
        await client.close();
        await client.close();
        await Promise.all([client.close(), client.close()]);
      }, gate);
      h.it('closeWrite() twice resolves', async (t) => {
        const { client, server } = await connectedPair(t);
        await client.closeWrite();
        await client.closeWrite();
        expect(await server.read()).to.equal(null);
      }, gate);
      h.it('settles a write that waits on backpressure when the connection is closed', async (t) => {
        const { client } = await connectedPair(t);
        const { waiting } = await writeUntilOneWaits(t, client, pattern(MiB, 1));
        await client.close();
        await settle(waiting); // resolves or rejects; it must not hang
      }, gate);
      h.it('close() first sends a write that waits on backpressure: a reading peer gets every byte, then null', async (t) => {
        const { client, server } = await connectedPair(t);
        const { waiting, written } = await writeUntilOneWaits(t, client, pattern(MiB, 1));
        const closing = client.close();
        const got = await readAll(server);
        expect(got.length, 'bytes the peer read before null').to.equal(written);
        const flushed = await settle(waiting);
        holds('value' in flushed, 'the write close() flushed to resolve', () => describeError((flushed as { error: unknown }).error));
        await closing;
      }, gate);
      h.it('keeps its addresses readable after close()', async (t) => {
        const { listener, client } = await connectedPair(t);
        await client.close();
        expect(portOf(client.remoteAddress)).to.equal(portOf(listener.address));
        expect(portOf(client.localAddress)).to.be.above(0);
      }, gate);
      h.it('closed resolves after close()', async (t) => {
        const { client } = await connectedPair(t);
        await client.close();
        await client.closed;
      }, gate);
      h.it('closed resolves once the peer closed and this side ended its writes', async (t) => {
        const { client, server } = await connectedPair(t);
        let resolved = false;
        void client.closed.then(() => { resolved = true; });
        await server.close();
        expect(await client.read()).to.equal(null);
        await client.closeWrite();
        await eventually(t, () => resolved, 'closed resolved after both directions ended');
      }, gate);
      h.it('asyncDispose closes the connection: the peer reads null', async (t) => {
        const { client, server } = await connectedPair(t);
        await client[Symbol.asyncDispose]();
        expect(await server.read()).to.equal(null);
      }, gate);
      h.it('a peer that closes with a few bytes received but unread ends the stream (null), not a reset', async (t) => {
        const { client, server } = await connectedPair(t);
        await client.write('never read');
        await t.clock.sleep(50); // the bytes have arrived at the server, which does not read them
        await server.close();
        expect(await client.read()).to.equal(null);
      }, gate);
      h.it('a peer that closes with unread data resets: read() rejects NetError ECONNRESET, closed still resolves', async (t) => {
        const { client, server } = await connectedPair(t);
        const big = pattern(4 * MiB, 2);
        const writing = client.write(big).catch(() => undefined);
        expect(await server.read()).to.not.equal(null); // data is arriving, most of it unread
        await server.close();
        const outcome = await settle((async () => { for (;;) if (await readChunk(client) === null) return 'end of stream'; })());
        holds('error' in outcome, 'read() to reject after the peer reset the connection', () => 'end of stream');
        const error = (outcome as { error: unknown }).error;
        holds(NetError.is(error), 'a NetError', () => describeError(error));
        expect((error as NetError).code).to.equal('ECONNRESET');
        await writing;
        await client.close();
        await client.closed;
      }, gate);
    });

    h.describe('backpressure', () => {
      h.it('write() waits while the peer is not reading, then everything arrives intact', async (t) => {
        const { client, server } = await connectedPair(t);
        const total = 32 * MiB;
        const chunk = pattern(64 * 1024, 4);
        let accepted = 0;
        const writer = t.ex.spawnLocal(async () => {
          while (accepted < total) { await client.write(chunk); accepted += chunk.length; }
          await client.closeWrite();
        });
        // Wait until the writer stops making progress (or finishes): the peer reads nothing meanwhile.
        let last = -1;
        let still = 0;
        while (still < 3 && accepted < total) {
          await t.clock.sleep(20);
          still = accepted === last ? still + 1 : 0;
          last = accepted;
        }
        expect(accepted, `write() accepted ${accepted / MiB} MiB while the peer read nothing`).to.be.below(16 * MiB);
        let received = 0;
        let corrupt = false;
        for (;;) {
          const c = await readChunk(server);
          if (c === null) break;
          for (let i = 0; i < c.length; i++) if (c[i] !== chunk[(received + i) % chunk.length]) corrupt = true;
          received += c.length;
        }
        await writer;
        holds(!corrupt, 'every byte as written', () => 'corrupted data');
        expect(received).to.equal(total);
      }, gate);
    });

    h.describe('aborts', () => {
      h.it('read() rejects with CancelledError when its signal aborts', async (t) => {
        const { client } = await connectedPair(t);
        const controller = new AbortController();
        const pending = client.read({ signal: controller.signal });
        await t.clock.sleep(5);
        controller.abort();
        await expectReject(pending, CancelledError, { code: 'ABORT_ERR' });
      }, gate);
      h.it('an aborted read() loses no data: a later read() returns what arrives', async (t) => {
        const { client, server } = await connectedPair(t);
        const controller = new AbortController();
        const pending = client.read({ signal: controller.signal });
        await t.clock.sleep(5);
        controller.abort();
        await settle(pending);
        await server.write('after abort');
        await server.closeWrite();
        expect(text(await readAll(client))).to.equal('after abort');
      }, gate);
      h.it('a read() with an already-aborted signal rejects and leaves buffered data for the next read()', async (t) => {
        const { client, server } = await connectedPair(t);
        await server.write('waiting');
        await server.closeWrite();
        await t.clock.sleep(10);
        await expectReject(client.read({ signal: AbortSignal.abort() }), CancelledError);
        expect(text(await readAll(client))).to.equal('waiting');
      }, gate);
      h.it('a write() aborted while it waits on backpressure rejects, but its bytes still arrive before the next write\'s', async (t) => {
        const { client, server } = await connectedPair(t);
        const chunk = pattern(MiB, 5);
        const { waiting, stop, written } = await writeUntilOneWaits(t, client, chunk, true);
        stop!.abort();
        const outcome = await settle(waiting);
        const tail = client.write('tail');
        const reading = readAll(server);
        await tail;
        await client.closeWrite();
        const got = await reading;
        expect(got.length, 'bytes the peer read').to.equal(written + 4);
        let torn = false;
        for (let i = 0; i < written; i++) if (got[i] !== chunk[i % chunk.length]) { torn = true; break; }
        holds(!torn, 'every byte of the aborted write, in order, before the next write\'s', () => 'a torn stream');
        expect(text(got.subarray(written))).to.equal('tail');
        holds('value' in outcome || CancelledError.is(outcome.error), 'the aborted write to resolve or reject CancelledError', () => describeError((outcome as { error: unknown }).error));
      }, gate);
      h.it('write() with an already-aborted signal rejects with CancelledError', async (t) => {
        const { client } = await connectedPair(t);
        await expectReject(client.write('x', { signal: AbortSignal.abort() }), CancelledError);
      }, gate);
      h.it('accept() rejects with CancelledError when its signal aborts', async (t) => {
        const listener = await listen(t);
        const controller = new AbortController();
        const pending = listener.accept({ signal: controller.signal });
        await t.clock.sleep(5);
        controller.abort();
        await expectReject(pending, CancelledError, { code: 'ABORT_ERR' });
      }, gate);
      h.it('accept() rejects at once for an already-aborted signal', async (t) => {
        const listener = await listen(t);
        await expectReject(listener.accept({ signal: AbortSignal.abort() }), CancelledError);
      }, gate);
      h.it('an aborted accept() loses no connection: the next accept() gets it', async (t) => {
        const listener = await listen(t);
        const controller = new AbortController();
        const pending = listener.accept({ signal: controller.signal });
        await t.clock.sleep(5);
        controller.abort();
        await settle(pending);
        const [client, server] = await Promise.all([t.net.connect(listener.address), listener.accept()]);
        t.defer(() => client.close());
        expect(server).to.not.equal(null);
        await server!.close();
      }, gate);
    });

    h.describe('listener close', () => {
      h.it('a pending accept() resolves null when the listener closes', async (t) => {
        const listener = await listen(t);
        const pending = listener.accept();
        await t.clock.sleep(5);
        await listener.close();
        expect(await pending).to.equal(null);
      }, gate);
      h.it('accept() after close() resolves null', async (t) => {
        const listener = await t.net.listen({ port: 0 });
        await listener.close();
        expect(await listener.accept()).to.equal(null);
        expect(await listener.accept()).to.equal(null);
      }, gate);
      h.it('keeps its address readable after close()', async (t) => {
        const listener = await t.net.listen({ port: 0 });
        const port = portOf(listener.address);
        await listener.close();
        expect(portOf(listener.address)).to.equal(port);
      }, gate);
      h.it('lets a new listener take the same port right after close(), even after traffic', async (t) => {
        const first = await t.net.listen({ port: 0 });
        const port = portOf(first.address);
        const [client, server] = await Promise.all([t.net.connect(first.address), first.accept()]);
        await client.write('x');
        await readExactly(server!, 1);
        await server!.close();
        await client.close();
        await first.close();
        const second = await listen(t, { port });
        expect(portOf(second.address)).to.equal(port);
      }, gate);
      h.it('close() is idempotent', async (t) => {
        const listener = await t.net.listen({ port: 0 });
        await listener.close();
        await listener.close();
      }, gate);
      h.it('a closed listener refuses new connections', async (t) => {
        const listener = await t.net.listen({ port: 0 });
        await listener.close();
        await expectReject(t.net.connect(listener.address), NetError, { code: 'ECONNREFUSED' });
      }, gate);
      h.it('asyncDispose closes the listener: accept() resolves null', async (t) => {
        const listener = await t.net.listen({ port: 0 });
        await listener[Symbol.asyncDispose]();
        expect(await listener.accept()).to.equal(null);
      }, gate);
      h.it('closing the listener ends a connection nobody accepted: the client reads null', async (t) => {
        const listener = await listen(t);
        const client = await t.net.connect(listener.address);
        t.defer(() => client.close());
        await t.clock.sleep(50);
        await listener.close();
        expect(await client.read()).to.equal(null);
      }, gate);
      h.it('closing the listener leaves accepted connections open', async (t) => {
        const { listener, client, server } = await connectedPair(t);
        await listener.close();
        await client.write('still here');
        await client.closeWrite();
        expect(text(await readAll(server))).to.equal('still here');
      }, gate);
      h.it('for await over a listener ends when it is closed', async (t) => {
        const listener = await t.net.listen({ port: 0 });
        const loop = (async () => { let n = 0; for await (const c of listener) { n++; await c.close(); } return n; })();
        await t.clock.sleep(5);
        await listener.close();
        expect(await loop).to.equal(0);
      }, gate);
    });
  });
}
