// Area: UDP on the runtime's own net — bind, send/recv with sender address, boundaries, aborts and close.
import { expect } from 'chai';
import { CancelledError, NetError, type Datagram } from '@runtime-traits/core';
import type { Harness } from '../harness.js';
import { bindUdp, expectReject, expectSameBytes, pattern, portOf, settle, text, utf8 } from '../util.js';

const gate = { needs: ['net.udp' as const] };

export function udpArea(h: Harness): void {
  h.describe('udp', () => {
    h.it('bindUdp({ port: 0 }) reports the real port on 127.0.0.1', async (t) => {
      const socket = await bindUdp(t);
      expect(socket.address).to.have.property('host', '127.0.0.1');
      expect(portOf(socket.address)).to.be.above(0);
    }, gate);
    h.it('delivers a datagram with its bytes and the sender\'s address', async (t) => {
      const [a, b] = await Promise.all([bindUdp(t), bindUdp(t)]);
      const payload = pattern(512, 3);
      await a.send(payload, b.address);
      const got = await b.recv();
      expect(got).to.not.equal(null);
      expectSameBytes(got!.data, payload);
      expect(got!.from).to.deep.equal({ host: '127.0.0.1', port: portOf(a.address) });
    }, gate);
    h.it('delivers an 8 KiB datagram intact', async (t) => {
      const [a, b] = await Promise.all([bindUdp(t), bindUdp(t)]);
      const payload = pattern(8192, 17);
      await a.send(payload, b.address);
      expectSameBytes((await b.recv())!.data, payload);
    }, gate);
    h.it('encodes a string datagram as UTF-8', async (t) => {
      const [a, b] = await Promise.all([bindUdp(t), bindUdp(t)]);
      await a.send('héllo ✓', b.address);
      expectSameBytes((await b.recv())!.data, utf8('héllo ✓'));
    }, gate);
    h.it('keeps message boundaries: three sends, three datagrams', async (t) => {
      const [a, b] = await Promise.all([bindUdp(t), bindUdp(t)]);
      for (const m of ['one', 'two', 'three']) await a.send(m, b.address);
      const got: string[] = [];
      for (let i = 0; i < 3; i++) got.push(text((await b.recv())!.data));
      expect(got.sort()).to.deep.equal(['one', 'three', 'two']);
    }, gate);
    h.it('answers the sender at the address it came from (ping-pong)', async (t) => {
      const [client, server] = await Promise.all([bindUdp(t), bindUdp(t)]);
      await client.send('ping', server.address);
      const ping = (await server.recv())!;
      await server.send('pong', ping.from);
      expect(text((await client.recv())!.data)).to.equal('pong');
    }, gate);
    h.it('carries fifty datagrams on loopback', async (t) => {
      const [a, b] = await Promise.all([bindUdp(t), bindUdp(t)]);
      const seen = new Set<string>();
      const reader = (async () => {
        for (let reads = 0; seen.size < 50; reads++) {
          if (reads > 10_000) expect.fail(`expected 50 distinct datagrams, got ${seen.size} distinct in ${reads} recv() calls`);
          seen.add(text((await b.recv())!.data));
        }
      })();
      for (let i = 0; i < 50; i++) await a.send(`d${i}`, b.address);
      await reader;
      expect(seen.size).to.equal(50);
    }, gate);
    h.it('recv() rejects with CancelledError when its signal aborts', async (t) => {
      const socket = await bindUdp(t);
      const controller = new AbortController();
      const pending = socket.recv({ signal: controller.signal });
      await t.clock.sleep(5);
      controller.abort();
      await expectReject(pending, CancelledError, { code: 'ABORT_ERR' });
    }, gate);
    h.it('an aborted recv() loses no datagram: the next recv() gets it', async (t) => {
      const [a, b] = await Promise.all([bindUdp(t), bindUdp(t)]);
      const controller = new AbortController();
      const pending = b.recv({ signal: controller.signal });
      await t.clock.sleep(5);
      controller.abort();
      await settle(pending);
      await a.send('kept', b.address);
      expect(text((await b.recv())!.data)).to.equal('kept');
    }, gate);
    h.it('a pending recv() resolves null when the socket closes', async (t) => {
      const socket = await bindUdp(t);
      const pending = socket.recv();
      await t.clock.sleep(5);
      await socket.close();
      expect(await pending).to.equal(null);
    }, gate);
    h.it('recv() after close() resolves null; close() is idempotent', async (t) => {
      const socket = await t.net.bindUdp({ port: 0 });
      await socket.close();
      await socket.close();
      expect(await socket.recv()).to.equal(null);
    }, gate);
    h.it('send() after close() rejects', async (t) => {
      const [a, b] = await Promise.all([t.net.bindUdp({ port: 0 }), bindUdp(t)]);
      await a.close();
      const outcome = await settle(a.send('late', b.address));
      expect(outcome, 'send() on a closed socket resolved').to.have.property('error');
    }, gate);
    h.it('iterates datagrams with for await; the loop ends when the socket closes', async (t) => {
      const [a, b] = await Promise.all([bindUdp(t), t.net.bindUdp({ port: 0 })]);
      const got: string[] = [];
      const loop = (async () => { for await (const d of b as AsyncIterable<Datagram>) { got.push(text(d.data)); if (got.length === 2) await b.close(); } })();
      await a.send('x', b.address);
      await a.send('y', b.address);
      await loop;
      expect(got.sort()).to.deep.equal(['x', 'y']);
    }, gate);
    h.it('rejects binding a port in use with NetError EADDRINUSE', async (t) => {
      const first = await bindUdp(t);
      await expectReject(t.net.bindUdp({ port: portOf(first.address) }), NetError, { code: 'EADDRINUSE' });
    }, gate);
    h.it('lets a new socket bind the same port right after close()', async (t) => {
      const first = await t.net.bindUdp({ port: 0 });
      const port = portOf(first.address);
      await first.close();
      const second = await t.net.bindUdp({ port });
      t.defer(() => second.close());
      expect(portOf(second.address)).to.equal(port);
    }, gate);
    h.it('asyncDispose closes the socket: recv() resolves null', async (t) => {
      const socket = await t.net.bindUdp({ port: 0 });
      await socket[Symbol.asyncDispose]();
      expect(await socket.recv()).to.equal(null);
    }, gate);
  });
}
