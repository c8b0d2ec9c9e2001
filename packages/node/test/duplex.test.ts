// toNodeDuplex: Node's own http client and server running over Connections.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import { expect } from 'chai';
import { NodeRuntime, toNodeDuplex } from '../src/index.js';
import { connectedPair, readAll } from './helpers.js';

describe('toNodeDuplex', () => {
  let rt: NodeRuntime;
  let http: Server;
  let port: number;

  beforeEach(async () => {
    rt = await NodeRuntime.create();
    http = createServer((req, res) => {
      const hash = createHash('sha256');
      let length = 0;
      req.on('data', (chunk: Buffer) => { hash.update(chunk); length += chunk.length; });
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ method: req.method, url: req.url, length, sha: hash.digest('hex') }));
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    port = (http.address() as { port: number }).port;
  });
  afterEach(async () => {
    await rt.shutdown();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });

  it('should carry Node\'s own http client over a Connection', async () => {
    const conn = await rt.reactor.net.connect({ host: '127.0.0.1', port });
    const body = randomBytes(1024 * 1024);
    const response = await new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/upload?x=1', createConnection: () => toNodeDuplex(conn) }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (chunk: Buffer) => parts.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(parts).toString()) as Record<string, unknown> }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(response.status).to.equal(200);
    expect(response.json).to.deep.equal({
      method: 'POST', url: '/upload?x=1', length: body.length, sha: createHash('sha256').update(body).digest('hex'),
    });
  });

  it('should let Node\'s own http server serve accepted Connections', async () => {
    const listener = await rt.reactor.net.listen({ port: 0 });
    rt.executor.spawnLocal(async () => {
      for await (const conn of listener) http.emit('connection', toNodeDuplex(conn));
    }).detach();
    const address = listener.address as { host: string; port: number };
    const json = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = request({ host: address.host, port: address.port, method: 'PUT', path: '/over-a-connection', agent: false }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (chunk: Buffer) => parts.push(chunk));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(parts).toString()) as Record<string, unknown>));
      });
      req.on('error', reject);
      req.end('abc');
    });
    expect(json).to.include({ method: 'PUT', url: '/over-a-connection', length: 3 });
  });

  it('should pass end() on as a half-close and the peer\'s end as the stream\'s end', async () => {
    const { client, server } = await connectedPair(rt.reactor.net);
    const duplex = toNodeDuplex(client);
    duplex.end('from the duplex');
    expect((await readAll(server)).toString()).to.equal('from the duplex');
    await server.write('and back');
    await server.closeWrite();
    const parts: Buffer[] = [];
    for await (const chunk of duplex) parts.push(chunk as Buffer);
    expect(Buffer.concat(parts).toString()).to.equal('and back');
  });

  it('should throw a TypeError for something that is not a Connection', () => {
    expect(() => toNodeDuplex({} as never)).to.throw(TypeError, /conn/);
  });
});
