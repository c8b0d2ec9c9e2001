// TLS through the tls options of connect/listen, with certificates made by openssl at test time.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { expect } from 'chai';
import { NetError } from '@runtime-traits/core';
import { NodeRuntime } from '../src/index.js';
import { outcome, readAll } from './helpers.js';
import { hasOpenssl, selfSigned, type KeyPair } from './fixtures/self-signed.js';

describe('NodeRuntime TLS', () => {
  let rt: NodeRuntime;
  let server: KeyPair;
  let stranger: KeyPair;

  before(function () {
    // The certificates are made by openssl at test time; without it there is nothing to test with.
    if (!hasOpenssl()) this.skip(); // capability: openssl is not installed on this machine
    server = selfSigned();
    stranger = selfSigned('someone-else');
  });
  beforeEach(async () => { rt = await NodeRuntime.create(); });
  afterEach(() => rt.shutdown());

  async function echoListener(extra: object = {}) {
    const listener = await rt.reactor.net.listen({ port: 0 }, { tls: { key: server.key, cert: server.cert, ...extra } });
    void (async () => {
      for await (const conn of listener) {
        void (async () => {
          try {
            for await (const chunk of conn) await conn.write(chunk);
            await conn.closeWrite();
          } catch { /* a refused client */ }
        })();
      }
    })();
    return listener;
  }

  it('should echo over TLS when the client trusts the server\'s certificate', async () => {
    const listener = await echoListener();
    const conn = await rt.reactor.net.connect(listener.address, { tls: { ca: server.cert } });
    const payload = randomBytes(200_000);
    const back = readAll(conn);
    await conn.write(payload);
    await conn.closeWrite();
    expect((await back).equals(payload)).to.equal(true);
  });

  it('should verify the name too: localhost by servername', async () => {
    const listener = await echoListener();
    const port = (listener.address as { port: number }).port;
    const conn = await rt.reactor.net.connect({ host: 'localhost', port }, { tls: { ca: new TextEncoder().encode(server.cert), servername: 'localhost' } });
    await conn.write('hi');
    await conn.closeWrite();
    expect((await readAll(conn)).toString()).to.equal('hi');
  });

  it('should refuse an untrusted certificate with NetError ERR_TLS_CERT by default', async () => {
    const listener = await echoListener();
    const error = await outcome(rt.reactor.net.connect(listener.address, { tls: {} }));
    expect(NetError.is(error)).to.equal(true);
    expect((error as NetError).code).to.equal('ERR_TLS_CERT');
    const wrongCa = await outcome(rt.reactor.net.connect(listener.address, { tls: { ca: stranger.cert } }));
    expect((wrongCa as NetError).code).to.equal('ERR_TLS_CERT');
  });

  it('should accept an untrusted certificate when rejectUnauthorized is false', async () => {
    const listener = await echoListener();
    const conn = await rt.reactor.net.connect(listener.address, { tls: { rejectUnauthorized: false } });
    await conn.write('ok');
    await conn.closeWrite();
    expect((await readAll(conn)).toString()).to.equal('ok');
  });

  it('should negotiate ALPN, and fail the handshake when no protocol is shared', async () => {
    const listener = await echoListener({ alpn: ['h2', 'http/1.1'] });
    const conn = await rt.reactor.net.connect(listener.address, { tls: { ca: server.cert, alpn: ['http/1.1'] } });
    expect(((conn as unknown as { socket: { alpnProtocol: string } }).socket).alpnProtocol).to.equal('http/1.1');
    await conn.close();
    const error = await outcome(rt.reactor.net.connect(listener.address, { tls: { ca: server.cert, alpn: ['spdy/1'] } }));
    expect(NetError.is(error)).to.equal(true);
    expect((error as NetError).code).to.equal('EPROTO');
  });

  it('should refuse a client without a certificate when the server requests one', async () => {
    const listener = await echoListener({ ca: server.cert, requestCert: true });
    const attempt = (async () => {
      const conn = await rt.reactor.net.connect(listener.address, { tls: { ca: server.cert } });
      await conn.write('let me in');
      return conn.read();
    })();
    const error = await outcome(attempt);
    expect(NetError.is(error)).to.equal(true);
  });

  it('should close, with the listener, a connection whose handshake never finished, and leave accepted ones open', async () => {
    const listener = await echoListener();
    const accepted = await rt.reactor.net.connect(listener.address, { tls: { ca: server.cert } });
    await accepted.write(new Uint8Array([1]));
    expect((await accepted.read())?.[0]).to.equal(1);
    const silent = net.connect((listener.address as { port: number }).port, '127.0.0.1'); // TCP, and never a ClientHello
    await new Promise((resolve) => silent.once('connect', resolve));
    const closed = new Promise((resolve) => silent.once('close', resolve));
    silent.on('error', () => undefined);
    await listener.close();
    await closed; // (without it the server's side stayed open until Node's 120 s handshake timeout, holding the process)
    await accepted.write(new Uint8Array([2]));
    expect((await accepted.read())?.[0], 'the accepted connection still echoes').to.equal(2);
    await accepted.close();
  });

  it('should throw a TypeError naming the option for a listener without key or cert, or with one OpenSSL cannot read', () => {
    expect(() => rt.reactor.net.listen({ port: 0 }, { tls: { cert: server.cert } as never })).to.throw(TypeError, /opts\.tls\.key/);
    expect(() => rt.reactor.net.listen({ port: 0 }, { tls: { key: 'not a key', cert: server.cert } })).to.throw(TypeError, /^opts\.tls\.key cannot be used: /);
    expect(() => rt.reactor.net.listen({ port: 0 }, { tls: { key: server.key, cert: 'not a cert' } })).to.throw(TypeError, /^opts\.tls\.cert cannot be used: /);
    expect(() => rt.reactor.net.connect({ host: '127.0.0.1', port: 1 }, { tls: { alpn: 'h2' as never } })).to.throw(TypeError, /opts\.tls\.alpn/);
  });
});
