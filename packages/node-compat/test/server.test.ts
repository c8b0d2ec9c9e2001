// NodeServer and serve(): listen forms, address(), 'listening', 'connection', getConnections, maxConnections → 'drop', close(cb) after the last connection, errors.
import { expect } from 'chai';
import { rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { NodeRuntime } from '@runtime-traits/node';
import { createConnection, createServer, NodeServer, NodeSocket, serve } from '../src/index.js';

function listening(server: net.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
}

describe('NodeServer and serve()', () => {
  let rt: NodeRuntime;
  beforeEach(async () => { rt = await NodeRuntime.create(); });
  afterEach(() => rt.shutdown());

  it('should listen(port, host, cb), answer address() and hand NodeSockets to the connection listener', async () => {
    const seen: unknown[] = [];
    const server = createServer(rt.reactor, (socket) => {
      seen.push(socket instanceof NodeSocket, socket instanceof Duplex, socket.server === server);
      socket.end('hi');
    });
    expect(server).to.be.instanceOf(NodeServer).and.instanceOf(net.Server);
    expect(server.listening).to.equal(false);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    expect(server.listening).to.equal(true);
    const address = server.address() as net.AddressInfo;
    expect(address).to.include({ address: '127.0.0.1', family: 'IPv4' });
    const client = net.connect(address.port, '127.0.0.1');
    let text = '';
    client.on('data', (chunk) => { text += String(chunk); });
    await new Promise((resolve) => client.on('close', resolve));
    expect(text).to.equal('hi');
    expect(seen).to.deep.equal([true, true, true]);
    await new Promise((resolve) => server.close(resolve));
    expect(server.listening).to.equal(false);
  });

  it('should accept listen({ port, host }) and listen() (port 0 on 127.0.0.1)', async () => {
    const a = createServer(rt.reactor);
    a.listen({ port: 0, host: '127.0.0.1' });
    await listening(a);
    const b = createServer(rt.reactor);
    b.listen();
    await listening(b);
    expect((b.address() as net.AddressInfo).address).to.equal('127.0.0.1');
    await Promise.all([a, b].map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('should emit close only once every connection has ended, and count them with getConnections', async () => {
    const sockets: NodeSocket[] = [];
    const server = createServer(rt.reactor, (socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const clients = [net.connect(port, '127.0.0.1'), net.connect(port, '127.0.0.1')];
    while (sockets.length < 2) await rt.reactor.clock.sleep(5);
    const count = await new Promise<number>((resolve, reject) => server.getConnections((e, n) => (e ? reject(e) : resolve(n))));
    expect(count).to.equal(2);
    let closed = false;
    server.close(() => { closed = true; });
    await rt.reactor.clock.sleep(50);
    expect(closed, 'closed while connections are open').to.equal(false);
    for (const s of sockets) s.destroy();
    while (!closed) await rt.reactor.clock.sleep(5);
    for (const c of clients) c.destroy();
  });

  it('should drop connections past maxConnections with a drop event', async () => {
    const server = createServer(rt.reactor, () => {});
    server.maxConnections = 1;
    const drops: unknown[] = [];
    server.on('drop', (info) => drops.push(info));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const first = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => first.on('connect', resolve));
    const second = net.connect(port, '127.0.0.1');
    second.on('error', () => {});
    await new Promise((resolve) => second.on('close', resolve));
    expect(drops).to.have.length(1);
    expect(drops[0]).to.include({ localPort: port, remoteAddress: '127.0.0.1' });
    first.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('should emit error EADDRINUSE from listen() on a taken port or path, shaped as node:net\'s (address, port, errno, message)', async () => {
    const shape = (e: NodeJS.ErrnoException & { address?: string; port?: number }) =>
      ({ code: e.code, errno: e.errno, syscall: e.syscall, address: e.address, port: e.port, message: e.message });
    const failedListen = async (server: net.Server, at: net.ListenOptions) => {
      server.listen(at);
      const error = await new Promise<NodeJS.ErrnoException>((resolve) => server.once('error', resolve));
      expect(server.listening).to.equal(false);
      return shape(error);
    };
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = { port: (taken.address() as net.AddressInfo).port, host: '127.0.0.1' };
    const path = { path: join(tmpdir(), `rt-compat-taken-${process.pid}.sock`) };
    writeFileSync(path.path, ''); // a file where the socket would go
    try {
      for (const at of [port, path]) {
        const ours = await failedListen(createServer(rt.reactor), at);
        expect(ours, JSON.stringify(at)).to.deep.equal(await failedListen(net.createServer(), at));
        expect(ours.code).to.equal('EADDRINUSE');
      }
    } finally {
      rmSync(path.path, { force: true });
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('should let serve() make a plain net.Server listen, and reject a second listen', async () => {
    const server = net.createServer((s) => s.end('served'));
    const at = await serve(server, rt.reactor, { port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    expect(server.address()).to.deep.equal({ address: '127.0.0.1', family: 'IPv4', port: (at as { port: number }).port });
    const client = createConnection(rt.reactor, { ...(at as { host: string; port: number }) });
    let text = '';
    client.on('data', (chunk) => { text += String(chunk); });
    await new Promise((resolve) => client.on('close', resolve));
    expect(text).to.equal('served');
    expect(() => serve(server, rt.reactor, { port: 0 })).to.throw(Error, /more than once/);
    await new Promise((resolve) => server.close(resolve));
  });

  it('should not listen when closed before the listen completed', async () => {
    const server = createServer(rt.reactor);
    let listened = false;
    server.on('listening', () => { listened = true; });
    server.listen(0, '127.0.0.1');
    server.close();
    await rt.reactor.clock.sleep(50);
    expect(listened).to.equal(false);
    expect(rt.reactor.net.openCount.listeners).to.equal(0);
  });

  it('should serve a Unix socket path and answer address() with it', async function () {
    if (process.platform === 'win32') this.skip(); // capability: net.unix (no Unix sockets on Windows)
    const path = `/tmp/rt-nc-${process.pid}-${Date.now()}.sock`;
    const server = createServer(rt.reactor, (s) => s.end('unix'));
    await new Promise<void>((resolve) => server.listen(path, resolve));
    expect(server.address()).to.equal(path);
    const client = createConnection(rt.reactor, path);
    let text = '';
    client.on('data', (chunk) => { text += String(chunk); });
    await new Promise((resolve) => client.on('close', resolve));
    expect(text).to.equal('unix');
    expect(client.address()).to.deep.equal({});
    await new Promise((resolve) => server.close(resolve));
  });
});
