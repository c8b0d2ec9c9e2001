// Area: TCP on the runtime's own net — listen/accept/connect, addresses, echo, integrity, ordering and buffer ownership.
import { expect } from 'chai';
import { CancelledError, NetError, type Connection } from '@runtime-traits/core';
import type { Case, Harness } from '../harness.js';
import {
  concat, connectedPair, echoServer, expectReject, expectSameBytes, holds, listen, nonEmpty, pattern, portOf, readAll, readChunk, readExactly, text, utf8,
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
        holds(Number.isInteger(port) && port > 0 && port <= 65535, 'a port between 1 and 65535', () => String(port));
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
      h.it('gives two pending accept() calls two distinct connections', async (t) => {
        const listener = await listen(t);
        const accepts = [listener.accept(), listener.accept()];
        const clients = await Promise.all([t.net.connect(listener.address), t.net.connect(listener.address)]);
        clients.forEach((c) => t.defer(() => c.close()));
        const [a, b] = await Promise.all(accepts);
        t.defer(() => a?.close());
        t.defer(() => b?.close());
        expect(a).to.not.equal(null);
        expect(b).to.not.equal(null);
        expect(a).to.not.equal(b);
        expect(portOf(a!.remoteAddress)).to.not.equal(portOf(b!.remoteAddress));
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
          expect(chunk, 'what read() returned').to.be.instanceOf(Uint8Array);
          nonEmpty(chunk);
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
        while (got < first.length) { const c = await readChunk(server); if (!c) break; chunks.push(c); got += c.length; }
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
          nonEmpty(chunk);
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
        for await (const chunk of server) chunks.push(nonEmpty(chunk, 'the connection\'s async iterator'));
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

  });
}
