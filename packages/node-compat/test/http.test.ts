// Node's own http over NodeSockets on the node runtime: the client through an Agent (keep-alive, timeouts), the server through serve() (keepAliveTimeout, headersTimeout, close()).
import { expect } from 'chai';
import http from 'node:http';
import net from 'node:net';
import { runtimeAgent } from '@runtime-traits-examples/node-compat/http';
import { NodeRuntime } from '@runtime-traits/node';
import { serve } from '../src/index.js';

function get(port: number, path: string, agent: http.Agent, timeout?: number): Promise<{ status: number; body: string; socketPort: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent, timeout }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => { body += c; }).on('end', () => resolve({ status: res.statusCode!, body, socketPort: Number(res.headers['x-peer-port']) }));
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
  });
}

/** A raw node:net client that sends `text` and resolves with what it got until the server closed, and when. */
function rawExchange(port: number, text: string): Promise<{ got: string; closedAfter: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let got = '';
    socket.on('data', (c) => { got += String(c); });
    socket.on('error', () => {});
    socket.on('close', () => resolve({ got, closedAfter: performance.now() - started }));
  });
}

describe('http over node-compat (node runtime)', () => {
  let rt: NodeRuntime;
  let server: http.Server;
  let port: number;
  let connections = 0;
  beforeEach(async () => {
    rt = await NodeRuntime.create();
    connections = 0;
    server = http.createServer({ keepAliveTimeout: 300, headersTimeout: 300, requestTimeout: 600, connectionsCheckingInterval: 50 } as http.ServerOptions, (req, res) => {
      if (req.url === '/slow') return; // never answers
      res.setHeader('x-peer-port', String(req.socket.remotePort));
      res.end(`hello ${req.url}`);
    });
    server.on('connection', () => connections++);
    port = ((await serve(server, rt.reactor, { port: 0 })) as { port: number }).port;
    await new Promise((resolve) => server.once('listening', resolve));
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rt.shutdown();
  });

  it('should reuse one kept-alive socket for sequential requests through the runtime agent', async () => {
    server.keepAliveTimeout = 5_000; // node's agent does not keep a socket the server hints it will drop within a second
    const agent = runtimeAgent(rt.reactor);
    const a = await get(port, '/a', agent);
    const b = await get(port, '/b', agent);
    expect([a.body, b.body]).to.deep.equal(['hello /a', 'hello /b']);
    expect(a.socketPort).to.equal(b.socketPort);
    expect(connections).to.equal(1);
    agent.destroy();
  });

  it("should time a request out with the client's timeout option (setTimeout on the NodeSocket)", async () => {
    const agent = runtimeAgent(rt.reactor);
    const started = performance.now();
    const error = await get(port, '/slow', agent, 200).then(() => undefined, (e: Error) => e);
    expect(error?.message).to.equal('request timed out');
    expect(performance.now() - started).to.be.within(190, 10_000);
    agent.destroy();
  });

  it('should close an idle kept-alive connection after keepAliveTimeout', async () => {
    const result = await rawExchange(port, 'GET /k HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(result.got).to.match(/^HTTP\/1.1 200 OK/).and.match(/hello \/k$/);
    expect(result.closedAfter).to.be.within(250, 10_000); // keepAliveTimeout 300 ms (+ node's 1 s buffer), generous on a loaded machine
  });

  it('should answer 408 and close when the headers do not arrive within headersTimeout (needs the listening event)', async () => {
    const result = await rawExchange(port, 'GET /partial HTTP/1.1\r\nHost: x\r\n');
    expect(result.got).to.match(/^HTTP\/1.1 408 Request Timeout/);
    expect(result.closedAfter).to.be.within(250, 10_000);
  });

  it('should let close() end idle kept-alive connections and emit close', async () => {
    server.keepAliveTimeout = 5_000;
    const agent = runtimeAgent(rt.reactor, { keepAlive: true, keepAliveMsecs: 10_000 });
    await get(port, '/idle', agent);
    let closed = false;
    server.close(() => { closed = true; });
    for (let i = 0; i < 100 && !closed; i++) await rt.reactor.clock.sleep(10);
    expect(closed).to.equal(true);
    expect(server.listening).to.equal(false);
    server.listen = (() => server) as never; // afterEach closes again: nothing left to close
    agent.destroy();
  });
});
