// undici, ws, ioredis, pg and postgres.js over NodeSockets on the node runtime, against real servers (redis-server, PostgreSQL with TLS).
import { expect } from 'chai';
import http from 'node:http';
import net from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';
import postgres from 'postgres';
import { Client, Pool } from 'undici';
import { WebSocketServer } from 'ws';
import { runtimeConnector } from '@runtime-traits-examples/node-compat/ioredis';
import { viaRuntime } from '@runtime-traits-examples/node-compat/pg';
import { runtimeSocket } from '@runtime-traits-examples/node-compat/postgres';
import { runtimeConnect } from '@runtime-traits-examples/node-compat/undici';
import { runtimeWebSocket } from '@runtime-traits-examples/node-compat/ws';
import { NodeRuntime } from '@runtime-traits/node';
import { serve } from '../src/index.js';
import { withPostgres, withRedis } from './helpers/servers.js';

describe('Node libraries over node-compat (node runtime, real servers)', () => {
  let rt: NodeRuntime;
  beforeEach(async () => { rt = await NodeRuntime.create(); });
  afterEach(() => rt.shutdown());

  describe('undici', () => {
    let server: http.Server;
    let origin: string;
    let connections: number;
    beforeEach(async () => {
      connections = 0;
      server = http.createServer((req, res) => res.end(`undici ${req.url}`));
      server.on('connection', () => connections++);
      origin = `http://127.0.0.1:${((await serve(server, rt.reactor, { port: 0 })) as { port: number }).port}`;
    });
    afterEach(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('should keep one connection alive across a Client\'s sequential requests', async () => {
      const client = new Client(origin, { connect: runtimeConnect(rt.reactor) });
      const bodies: string[] = [];
      for (let i = 0; i < 5; i++) bodies.push(await (await client.request({ path: `/${i}`, method: 'GET' })).body.text());
      expect(bodies).to.deep.equal(['/0', '/1', '/2', '/3', '/4'].map((p) => `undici ${p}`));
      expect(connections).to.equal(1);
      await client.close();
    });

    it('should pipeline concurrent requests over a Pool of at most two connections', async () => {
      const pool = new Pool(origin, { connections: 2, pipelining: 4, connect: runtimeConnect(rt.reactor) });
      const paths = Array.from({ length: 24 }, (_, i) => `/p${i}`);
      const bodies = await Promise.all(paths.map(async (path) => (await pool.request({ path, method: 'GET' })).body.text()));
      expect(bodies).to.deep.equal(paths.map((p) => `undici ${p}`));
      expect(connections).to.be.within(1, 2);
      await pool.close();
    });

    it('should surface a refused connection as ECONNREFUSED', async () => {
      const dead = net.createServer();
      await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
      const port = (dead.address() as net.AddressInfo).port;
      await new Promise((resolve) => dead.close(resolve));
      const client = new Client(`http://127.0.0.1:${port}`, { connect: runtimeConnect(rt.reactor) });
      const error = await client.request({ path: '/', method: 'GET' }).then(() => undefined, (e: NodeJS.ErrnoException) => e);
      expect(error?.code).to.equal('ECONNREFUSED');
      await client.close();
    });
  });

  describe('ws', () => {
    it('should echo through a WebSocketServer served by serve() and a client dialling through the runtime', async () => {
      const server = http.createServer();
      const wss = new WebSocketServer({ server });
      wss.on('connection', (ws) => ws.on('message', (data) => ws.send(`echo ${String(data)}`)));
      const { port } = (await serve(server, rt.reactor, { port: 0 })) as { port: number };
      const ws = runtimeWebSocket(rt.reactor, `ws://127.0.0.1:${port}/`);
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const replies: string[] = [];
      for (const text of ['one', 'two', 'x'.repeat(100_000)]) {
        ws.send(text);
        replies.push(String(await new Promise((resolve) => ws.once('message', resolve))));
      }
      expect(replies.map((r) => r.slice(0, 12))).to.deep.equal(['echo one', 'echo two', `echo ${'x'.repeat(7)}`]);
      expect(replies[2]).to.have.length(100_005);
      ws.close();
      await new Promise((resolve) => ws.once('close', resolve));
      wss.close();
      await new Promise((resolve) => server.close(resolve));
    });

    it('should fail the opening handshake after handshakeTimeout when the server never answers', async () => {
      const silent = net.createServer((s) => s.resume());
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const started = performance.now();
      const ws = runtimeWebSocket(rt.reactor, `ws://127.0.0.1:${(silent.address() as net.AddressInfo).port}/`, { handshakeTimeout: 200 });
      const error = await new Promise<Error>((resolve) => ws.once('error', resolve));
      expect(error.message).to.match(/handshake has timed out/);
      expect(performance.now() - started).to.be.within(190, 10_000);
      silent.close();
    });
  });

  describe('ioredis (real redis-server)', () => {
    const redis = withRedis();

    it('should run commands and reconnect after CLIENT KILL', async () => {
      const client = new Redis({ host: '127.0.0.1', port: redis.server.port, Connector: runtimeConnector(rt.reactor), retryStrategy: () => 20 });
      const admin = new Redis({ host: '127.0.0.1', port: redis.server.port });
      await client.set('k', 'v1');
      const id = await client.client('ID');
      let reconnected = 0;
      client.on('ready', () => reconnected++);
      expect(await admin.client('KILL', 'ID', String(id))).to.equal(1);
      while (reconnected === 0) await rt.reactor.clock.sleep(10); // a half-open socket would never notice the kill
      expect(await client.get('k')).to.equal('v1');
      expect(await client.client('ID')).to.not.equal(id);
      client.disconnect();
      admin.disconnect();
    });
  });

  describe('pg and postgres.js (real PostgreSQL, TLS over the socket)', () => {
    const db = withPostgres();
    const config = (): pg.ClientConfig => ({ host: '127.0.0.1', port: db.server.port, user: db.server.user, database: 'postgres' });
    const TLS_QUERY = 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()';

    it('should let pg.Client connect its stream, upgrade to TLS (verifying the certificate) and query', async () => {
      const client = new pg.Client(viaRuntime(rt.reactor, { ...config(), ssl: { ca: db.server.ca } }));
      await client.connect();
      const { rows } = await client.query<{ ssl: boolean }>(TLS_QUERY);
      expect(rows).to.deep.equal([{ ssl: true }]);
      expect((await client.query('SELECT $1::int * 2 AS n', [21])).rows).to.deep.equal([{ n: 42 }]);
      await client.end();
    });

    it('should run a pg.Pool of plain connections and report a terminated backend as an error, not a hang', async () => {
      const pool = new pg.Pool({ ...viaRuntime(rt.reactor, config()), max: 3 });
      const sums = await Promise.all([1, 2, 3, 4, 5].map(async (n) => (await pool.query<{ s: number }>('SELECT $1::int + 1 AS s', [n])).rows[0]!.s));
      expect(sums).to.deep.equal([2, 3, 4, 5, 6]);
      const victim = await pool.connect();
      const pid = (await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      // pg reports the kill as one 'error' or two (the backend's FATAL message, then "Connection
      // terminated unexpectedly" when the socket closes), depending on how the two arrive: listen for every one.
      const died = new Promise<Error>((resolve) => victim.on('error', resolve));
      await pool.query('SELECT pg_terminate_backend($1)', [pid]);
      expect((await died).message).to.match(/terminat/);
      victim.release(true);
      expect((await pool.query<{ ok: number }>('SELECT 1 AS ok')).rows).to.deep.equal([{ ok: 1 }]);
      await pool.end();
    });

    it('should let postgres.js query over TLS and reconnect after pg_terminate_backend', async () => {
      const sql = postgres({ ...config(), username: db.server.user, ssl: { ca: db.server.ca }, max: 1, socket: runtimeSocket(rt.reactor) } as postgres.Options<{}>);
      expect(await sql`SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`).to.deep.equal([{ ssl: true }]);
      const [{ pid }] = await sql<Array<{ pid: number }>>`SELECT pg_backend_pid() AS pid`;
      const admin = new pg.Client(config());
      await admin.connect();
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await admin.end();
      await rt.reactor.clock.sleep(100);
      const [{ again }] = await sql<Array<{ again: number }>>`SELECT pg_backend_pid() AS again`;
      expect(again).to.not.equal(pid);
      await sql.end();
    });
  });
});
