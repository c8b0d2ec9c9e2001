// Area: TLS on the runtime's own net — trusted echo, certificate checks, half-close and integrity over TLS.
import { expect } from 'chai';
import { NetError, RuntimeError } from '@runtime-traits/core';
import { TEST_CERT, TEST_KEY } from '../fixtures/test-cert.js';
import type { Harness } from '../harness.js';
import {
  describeError, echoServer, expectSameBytes, holds, listen, pattern, portOf, readAll, settle, text, utf8,
} from '../util.js';

const gate = { needs: ['net.tcp' as const, 'net.tls' as const] };
const serverTls = { key: TEST_KEY, cert: TEST_CERT };
const trusted = { ca: TEST_CERT };

export function tlsArea(h: Harness): void {
  h.describe('tls', () => {
    h.it('echoes over TLS when the client trusts the server\'s certificate', async (t) => {
      const listener = await echoServer(t, { port: 0 }, { tls: serverTls });
      const client = await t.net.connect(listener.address, { tls: { ...trusted, servername: 'localhost' } });
      t.defer(() => client.close());
      await client.write('secret');
      await client.closeWrite();
      expect(text(await readAll(client))).to.equal('secret');
    }, gate);
    h.it('verifies against the IP address when no servername is given', async (t) => {
      const listener = await echoServer(t, { port: 0 }, { tls: serverTls });
      const client = await t.net.connect(listener.address, { tls: trusted });
      t.defer(() => client.close());
      await client.write('by ip');
      await client.closeWrite();
      expect(text(await readAll(client))).to.equal('by ip');
    }, gate);
    h.it('rejects an untrusted (self-signed) certificate by default, with a NetError', async (t) => {
      const listener = await echoServer(t, { port: 0 }, { tls: serverTls });
      const outcome = await settle(t.net.connect(listener.address, { tls: { servername: 'localhost' } }));
      expect(outcome, 'connected to an untrusted server').to.have.property('error');
      const error = (outcome as { error: unknown }).error;
      holds(NetError.is(error), 'a NetError', () => describeError(error));
    }, gate);
    h.it('rejects a certificate that does not match the servername', async (t) => {
      const listener = await echoServer(t, { port: 0 }, { tls: serverTls });
      const outcome = await settle(t.net.connect(listener.address, { tls: { ...trusted, servername: 'wrong.example' } }));
      expect(outcome, 'connected despite a name mismatch').to.have.property('error');
      holds(RuntimeError.is((outcome as { error: unknown }).error), 'an error of the RuntimeError family', () => describeError((outcome as { error: unknown }).error));
    }, gate);
    h.it('connects to an untrusted server with rejectUnauthorized: false', async (t) => {
      const listener = await echoServer(t, { port: 0 }, { tls: serverTls });
      const client = await t.net.connect(listener.address, { tls: { rejectUnauthorized: false } });
      t.defer(() => client.close());
      await client.write('insecure');
      await client.closeWrite();
      expect(text(await readAll(client))).to.equal('insecure');
    }, gate);
    h.it('takes key, cert and ca as Uint8Array', async (t) => {
      const listener = await echoServer(t, { port: 0 }, { tls: { key: utf8(TEST_KEY), cert: utf8(TEST_CERT) } });
      const client = await t.net.connect(listener.address, { tls: { ca: utf8(TEST_CERT), servername: 'localhost' } });
      t.defer(() => client.close());
      await client.write('bytes');
      await client.closeWrite();
      expect(text(await readAll(client))).to.equal('bytes');
    }, gate);
    h.it('accepts alpn on both sides', async (t) => {
      const listener = await echoServer(t, { port: 0 }, { tls: { ...serverTls, alpn: ['x-conformance', 'http/1.1'] } });
      const client = await t.net.connect(listener.address, { tls: { ...trusted, alpn: ['x-conformance'] } });
      t.defer(() => client.close());
      await client.write('alpn');
      await client.closeWrite();
      expect(text(await readAll(client))).to.equal('alpn');
    }, gate);
    h.it('keeps 1 MiB intact over TLS', async (t) => {
      const listener = await echoServer(t, { port: 0 }, { tls: serverTls });
      const client = await t.net.connect(listener.address, { tls: trusted });
      t.defer(() => client.close());
      const data = pattern(1024 * 1024, 12);
      const writer = (async () => { for (let i = 0; i < data.length; i += 65536) await client.write(data.subarray(i, i + 65536)); await client.closeWrite(); })();
      const back = await readAll(client);
      await writer;
      expectSameBytes(back, data, '1 MiB over TLS');
    }, gate);
    h.it('reads null after the TLS server closes, and null again', async (t) => {
      const listener = await listen(t, { port: 0 }, { tls: serverTls });
      const [client, server] = await Promise.all([t.net.connect(listener.address, { tls: trusted }), listener.accept()]);
      t.defer(() => client.close());
      await server!.write('last words');
      await server!.close();
      expect(text(await readAll(client))).to.equal('last words');
      expect(await client.read()).to.equal(null);
    }, gate);
    h.it('reports the listener\'s real port', async (t) => {
      const listener = await listen(t, { port: 0 }, { tls: serverTls });
      expect(portOf(listener.address)).to.be.above(0);
      expect(listener.address).to.have.property('host', '127.0.0.1');
    }, gate);
    h.it('fails a TLS connect to a plain server that hangs up, instead of hanging', async (t) => {
      const listener = await listen(t);
      t.ex.spawnLocal(async () => { const c = await listener.accept(); await c?.close(); }).detach();
      const outcome = await settle(t.net.connect(listener.address, { tls: trusted }));
      expect(outcome, 'a TLS handshake with a plain server succeeded').to.have.property('error');
      holds(RuntimeError.is((outcome as { error: unknown }).error), 'an error of the RuntimeError family', () => describeError((outcome as { error: unknown }).error));
    }, gate);
  });
}
