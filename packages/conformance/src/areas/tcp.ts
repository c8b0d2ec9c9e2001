// Area: TCP on the runtime's own net — listen/accept/connect, echo, integrity, half-close, end of stream, backpressure, aborts, errors.
import { expect } from 'chai';
import { CancelledError, NetError, type Connection } from '@runtime-traits/core';
import type { Case, Harness } from '../harness.js';
import {
  concat, connectedPair, echoServer, eventually, expectReject, expectSameBytes, listen, pattern, portOf, readAll,
  readExactly, settle, text, utf8,
} from '../util.js';

const MiB = 1024 * 1024;
const gate = { needs: ['net.tcp' as const] };

/** Writes `data` in `chunk`-sized pieces, then half-closes. */
async function writeAll(conn: Connection, data: Uint8Array, chunk = 65536): Promise<void> {
  for (let at = 0; at < data.length; at += chunk) await conn.write(data.subarray(at, at + chunk));
  await conn.closeWrite();
}

async function roundTrip(t: Case, data: Uint8Array): Promise<Uint8Array> {
  const listener = await echoServer(t);
  const client = await t.net.connect(listener.address);
  t.defer(() => client.close());
  const [, back] = await Promise.all([writeAll(client, data), readAll(client)]);
  return back;
}

export function tcpArea(h: Harness): void {
  h.describe('tcp', () => {
    h.describe('listen', () => {
      h.it('listen({ port: 0 }) reports the real port it got', async (t) => {
        const listener = await listen(t);
        const port = portOf(listener.address);
        expect(Number.isInteger(port) && port > 0 && port <= 65535, `port ${port}`).to.equal(true);
      }, gate);
      h.it('listens on 127.0.0.1 when no host is given', async (t) => {
        const listener = await listen(t);
        expect((listener.address as { host: string }).host).to.equal('127.0.0.1');
      }, gate);
      h.it('listens on an explicit host 127.0.0.1', async (t) => {
        const listener = await listen(t, { host: '127.0.0.1', port: 0 });
        expect(listener.address).to.deep.include({ host: '127.0.0.1' });
      }, gate);
      h.it('gives two listeners different ports', async (t) => {
        const [a, b] = await Promise.all([listen(t), listen(t)]);
        expect(portOf(a.address)).to.not.equal(portOf(b.address));
      }, gate);
      h.it('rejects a port already in use with NetError EADDRINUSE', async (t) => {
        const first = await listen(t);
        await expectReject(t.net.listen({ port: portOf(first.address) }), NetError, { code: 'EADDRINUSE' });
      }, gate);
      h.it('accepts a backlog option', async (t) => {
        const listener = await listen(t, { port: 0 }, { backlog: 16 });
        await connectedPair(t, listener);
      }, gate);
    });

    h.describe('connect and accept', () => {
      h.it('connects a client to an accepted server connection', async (t) => {
        const { client, server } = await connectedPair(t);
        await client.write('ping');
        expect(text(await readExactly(server, 4))).to.equal('ping');
      }, gate);
      h.it('reports matching local and remote addresses on both ends', async (t) => {
        const { listener, client, server } = await connectedPair(t);
        expect(client.remoteAddress).to.deep.equal({ host: '127.0.0.1', port: portOf(listener.address) });
        expect(portOf(server.localAddress)).to.equal(portOf(listener.address));
        expect(portOf(server.remoteAddress)).to.equal(portOf(client.localAddress));
        expect((client.localAddress as { host: string }).host).to.equal('127.0.0.1');
      }, gate);
      h.it('rejects a connection to a closed port with NetError ECONNREFUSED', async (t) => {
        const listener = await t.net.listen({ port: 0 });
        const port = portOf(listener.address);
        await listener.close();
        await expectReject(t.net.connect({ host: '127.0.0.1', port }), NetError, { code: 'ECONNREFUSED' });
      }, gate);
      h.it('rejects connect() with CancelledError for an already-aborted signal', async (t) => {
        const listener = await listen(t);
        await expectReject(t.net.connect(listener.address, { signal: AbortSignal.abort() }), CancelledError);
      }, gate);
      h.it('accepts the noDelay option', async (t) => {
        const listener = await echoServer(t);
        const client = await t.net.connect(listener.address, { noDelay: true });
        t.defer(() => client.close());
        await client.write('x');
        expect(text(await readExactly(client, 1))).to.equal('x');
      }, gate);
      h.it('connects by host name localhost', async (t) => {
        const listener = await echoServer(t);
        const client = await t.net.connect({ host: 'localhost', port: portOf(listener.address) });
        t.defer(() => client.close());
        await client.write('by name');
        expect(text(await readExactly(client, 7))).to.equal('by name');
      }, { needs: ['net.tcp', 'net.dns'] });
      h.it('serves fifty concurrent connections, each its own bytes', async (t) => {
        const listener = await echoServer(t);
        const replies = await Promise.all(Array.from({ length: 50 }, async (_, i) => {
          const client = await t.net.connect(listener.address);
          t.defer(() => client.close());
          await client.write(`client ${i} `.repeat(10));
          await client.closeWrite();
          return text(await readAll(client));
        }));
        replies.forEach((reply, i) => expect(reply).to.equal(`client ${i} `.repeat(10)));
      }, gate);
      h.it('iterates a listener with for await, one connection per client', async (t) => {
        const listener = await listen(t);
        const clients = await Promise.all([t.net.connect(listener.address), t.net.connect(listener.address)]);
        clients.forEach((c) => t.defer(() => c.close()));
        let n = 0;
        for await (const conn of listener) {
          t.defer(() => conn.close());
          if (++n === 2) break;
        }
        expect(n).to.equal(2);
      }, gate);
    });

    h.describe('data', () => {
      h.it('echoes a message through an echo server', async (t) => {
        expect(text(await roundTrip(t, utf8('hello, runtime')))).to.equal('hello, runtime');
      }, gate);
      h.it('encodes strings as UTF-8', async (t) => {
        const { client, server } = await connectedPair(t);
        const message = 'héllo ✓ 日本語 🚀';
        await client.write(message);
        await client.closeWrite();
        expectSameBytes(await readAll(server), utf8(message));
      }, gate);
      h.it('reads non-empty Uint8Array chunks', async (t) => {
        const { client, server } = await connectedPair(t);
        await client.write('abc');
        await client.closeWrite();
        for (;;) {
          const chunk = await server.read();
          if (chunk === null) break;
          expect(chunk).to.be.instanceOf(Uint8Array);
          expect(chunk.length).to.be.above(0);
        }
      }, gate);
      h.it('keeps 4 MiB intact through an echo server', async (t) => {
        const data = pattern(4 * MiB, 7);
        expectSameBytes(await roundTrip(t, data), data, '4 MiB echo');
      }, gate);
      h.it('keeps the order of a thousand small writes', async (t) => {
        const { client, server } = await connectedPair(t);
        const writer = (async () => {
          for (let i = 0; i < 1000; i++) await client.write(`${i},`);
          await client.closeWrite();
        })();
        const got = text(await readAll(server));
        await writer;
        expect(got).to.equal(Array.from({ length: 1000 }, (_, i) => `${i},`).join(''));
      }, gate);
      h.it('writes only the bytes of a subarray view', async (t) => {
        const { client, server } = await connectedPair(t);
        const backing = pattern(100, 3);
        await client.write(backing.subarray(10, 20));
        await client.closeWrite();
        expectSameBytes(await readAll(server), backing.slice(10, 20));
      }, gate);
      h.it('lets the writer reuse its buffer once write() resolved', async (t) => {
        const { client, server } = await connectedPair(t);
        const buffer = pattern(64 * 1024, 11);
        const expected = buffer.slice();
        await client.write(buffer);
        buffer.fill(0);
        await client.closeWrite();
        expectSameBytes(await readAll(server), expected, 'bytes after the writer reused its buffer');
      }, gate);
      h.it('never reuses a chunk it returned from read()', async (t) => {
        const { client, server } = await connectedPair(t);
        const first = pattern(1000, 5);
        await client.write(first);
        const chunks: Uint8Array[] = [];
        let got = 0;
        while (got < first.length) { const c = await server.read(); if (!c) break; chunks.push(c); got += c.length; }
        const snapshot = concat(chunks).slice();
        await client.write(pattern(64 * 1024, 6));
        await client.closeWrite();
        await readAll(server);
        expectSameBytes(concat(chunks), snapshot, 'earlier chunks after later reads');
      }, gate);
      h.it('delivers one 8 MiB write whole', async (t) => {
        const { client, server } = await connectedPair(t);
        const data = pattern(8 * MiB, 13);
        const reader = readAll(server);
        await client.write(data);
        await client.closeWrite();
        expectSameBytes(await reader, data, 'one 8 MiB write');
      }, gate);
      h.it('keeps the order of writes issued without awaiting each other (pipelining)', async (t) => {
        const { client, server } = await connectedPair(t);
        const parts = Array.from({ length: 50 }, (_, i) => pattern(10_000 + i, i));
        const reader = readAll(server);
        const writes = parts.map((p) => client.write(p));
        await Promise.all(writes);
        await client.closeWrite();
        expectSameBytes(await reader, concat(parts), 'pipelined writes');
      }, gate);
      h.it('resolves a write of an empty buffer, and the peer never reads an empty chunk', async (t) => {
        const { client, server } = await connectedPair(t);
        await client.write(new Uint8Array(0));
        await client.write('');
        await client.write('x');
        await client.closeWrite();
        for (;;) {
          const chunk = await server.read();
          if (chunk === null) break;
          expect(chunk.length, 'read() returned an empty chunk').to.be.above(0);
        }
      }, gate);
      h.it('accepts { signal: undefined } on read(), write() and connect()', async (t) => {
        const listener = await echoServer(t);
        const client = await t.net.connect(listener.address, { signal: undefined });
        t.defer(() => client.close());
        await client.write('u', { signal: undefined });
        expect(text((await client.read({ signal: undefined }))!)).to.equal('u');
      }, gate);
      h.it('iterates a connection with for await until end of stream', async (t) => {
        const { client, server } = await connectedPair(t);
        await client.write('one');
        await client.write('two');
        await client.closeWrite();
        const chunks: Uint8Array[] = [];
        for await (const chunk of server) chunks.push(chunk);
        expect(text(concat(chunks))).to.equal('onetwo');
      }, gate);
      h.it('delivers data written just before close() to the peer', async (t) => {
        const { client, server } = await connectedPair(t);
        const data = pattern(256 * 1024, 8);
        const reader = readAll(client);
        await server.write(data);
        await server.close();
        expectSameBytes(await reader, data, 'data written before close()');
      }, gate);
    });

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
        const chunk = pattern(MiB, 1);
        let pending: Promise<void> | undefined;
        for (let i = 0; i < 64 && !pending; i++) {
          const write = client.write(chunk);
          const done = await Promise.race([write.then(() => true, () => true), t.clock.sleep(20).then(() => false)]);
          if (!done) pending = write;
        }
        expect(pending, 'no write ever waited though the peer read nothing').to.not.equal(undefined);
        await client.close();
        await settle(pending!); // resolves or rejects; it must not hang
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
      h.it('a peer that closes with unread data resets: read() rejects NetError ECONNRESET, closed still resolves', async (t) => {
        const { client, server } = await connectedPair(t);
        const big = pattern(4 * MiB, 2);
        const writing = client.write(big).catch(() => undefined);
        expect(await server.read()).to.not.equal(null); // data is arriving, most of it unread
        await server.close();
        const outcome = await settle((async () => { for (;;) if (await client.read() === null) return 'end of stream'; })());
        expect('error' in outcome, 'read() reached end of stream instead of a reset').to.equal(true);
        const error = (outcome as { error: unknown }).error;
        expect(NetError.is(error), `expected NetError, got ${String(error)}`).to.equal(true);
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
          const c = await server.read();
          if (c === null) break;
          for (let i = 0; i < c.length; i++) if (c[i] !== chunk[(received + i) % chunk.length]) corrupt = true;
          received += c.length;
        }
        await writer;
        expect(corrupt, 'data corrupted').to.equal(false);
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
