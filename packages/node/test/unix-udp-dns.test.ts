// Unix sockets, UDP and DNS on the Node runtime.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { CancelledError, NetError, RuntimeShutdownError } from '@runtime-traits/core';
import { NodeRuntime } from '../src/index.js';
import { connectedPair, outcome, readAll } from './helpers.js';

let socketCounter = 0;
const uniquePath = (): string => join(tmpdir(), `rt-node-${process.pid}-${Date.now()}-${socketCounter++}.sock`);

describe('NodeRuntime Unix sockets', () => {
  let rt: NodeRuntime;
  beforeEach(async function () {
    rt = await NodeRuntime.create();
    if (!rt.capabilities.has('net.unix')) this.skip(); // capability: this platform has no Unix sockets
  });
  afterEach(() => rt.shutdown());

  it('should echo over a Unix socket and report its path', async () => {
    const path = uniquePath();
    const { listener, client, server } = await connectedPair(rt.reactor.net, { path });
    expect(listener.address).to.deep.equal({ path });
    expect(client.remoteAddress).to.deep.equal({ path });
    expect(server.localAddress).to.deep.equal({ path });
    const payload = randomBytes(300_000);
    const echoed = (async () => {
      for await (const chunk of server) await server.write(chunk);
      await server.closeWrite();
    })();
    const back = readAll(client);
    await client.write(payload);
    await client.closeWrite();
    expect((await back).equals(payload)).to.equal(true);
    await echoed;
    await listener.close();
    expect(existsSync(path)).to.equal(false); // the socket file is removed with the listener
  });

  it('should refuse a path longer than a unix socket address holds, with a RangeError naming it, and leave no file', () => {
    const long = join(tmpdir(), `rt-node-${'x'.repeat(140)}.sock`);
    expect(() => rt.reactor.net.listen({ path: long })).to.throw(RangeError, /^at\.path is \d+ bytes long; a unix socket path holds at most 10[37] here$/);
    expect(() => rt.reactor.net.connect({ path: long })).to.throw(RangeError, /^to\.path is \d+ bytes long/);
    expect(existsSync(long.slice(0, 107)), 'no socket file at the cut path').to.equal(false);
  });

  it('should reject connecting to a path nobody listens on with a NetError', async () => {
    const error = await outcome(rt.reactor.net.connect({ path: uniquePath() }));
    expect(NetError.is(error)).to.equal(true);
    expect((error as NetError).code).to.equal('ENOENT');
  });
});

describe('NodeRuntime UDP', () => {
  let rt: NodeRuntime;
  beforeEach(async () => { rt = await NodeRuntime.create(); });
  afterEach(() => rt.shutdown());

  it('should send and receive datagrams both ways with the sender\'s address', async () => {
    const a = await rt.reactor.net.bindUdp({ port: 0 });
    const b = await rt.reactor.net.bindUdp({ port: 0 });
    expect(a.address).to.have.property('host', '127.0.0.1');
    await a.send('ping', b.address);
    const got = await b.recv();
    expect(Buffer.from(got!.data).toString()).to.equal('ping');
    expect(got!.from).to.deep.equal(a.address);
    await b.send(new Uint8Array([1, 2, 3]), got!.from);
    const reply = await a.recv();
    expect([...reply!.data]).to.deep.equal([1, 2, 3]);
    expect(reply!.from).to.deep.equal(b.address);
  });

  it('should resolve recv() with null once closed, and reject a cancelled recv()', async () => {
    const socket = await rt.reactor.net.bindUdp({ port: 0 });
    const controller = new AbortController();
    const cancelled = socket.recv({ signal: controller.signal });
    controller.abort();
    expect(CancelledError.is(await outcome(cancelled))).to.equal(true);
    const pending = socket.recv();
    await socket.close();
    expect(await pending).to.equal(null);
    expect(await socket.recv()).to.equal(null);
    await socket.close(); // idempotent
  });

  it('should reject binding a port in use with EADDRINUSE', async () => {
    const first = await rt.reactor.net.bindUdp({ port: 0 });
    const error = await outcome(rt.reactor.net.bindUdp({ port: (first.address as { port: number }).port }));
    expect((error as NetError).code).to.equal('EADDRINUSE');
  });

  it('should close UDP sockets on shutdown', async () => {
    const socket = await rt.reactor.net.bindUdp({ port: 0 });
    const pending = socket.recv();
    await rt.shutdown();
    expect(await pending).to.equal(null);
    expect(RuntimeShutdownError.is(await outcome(rt.reactor.net.bindUdp({ port: 0 })))).to.equal(true);
  });
});

describe('NodeRuntime DNS', () => {
  let rt: NodeRuntime;
  beforeEach(async () => { rt = await NodeRuntime.create(); });
  afterEach(() => rt.shutdown());

  it('should find 127.0.0.1 for localhost', async () => {
    const addresses = await rt.reactor.net.lookup('localhost');
    expect(addresses).to.include('127.0.0.1');
  });

  it('should connect by host name', async () => {
    const listener = await rt.reactor.net.listen({ port: 0 });
    const conn = await rt.reactor.net.connect({ host: 'localhost', port: (listener.address as { port: number }).port });
    expect(await listener.accept()).to.not.equal(null);
    await conn.close();
  });

  it('should reject an unknown host with a NetError (ENOTFOUND when a resolver answers)', async () => {
    const error = await outcome(rt.reactor.net.lookup('no-such-host.invalid'));
    expect(NetError.is(error)).to.equal(true);
    // Without a reachable resolver getaddrinfo says EAI_AGAIN instead; both are the platform's own answer.
    expect((error as NetError).code).to.be.oneOf(['ENOTFOUND', 'EAI_AGAIN']);
  });

  it('should throw a TypeError naming hostname for a bad one', () => {
    expect(() => rt.reactor.net.lookup('' as string)).to.throw(TypeError, /hostname/);
  });
});
