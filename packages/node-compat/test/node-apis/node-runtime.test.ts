// withNodeApis on real-time runtimes over node:net: pg unmodified against a real PostgreSQL, on both paths a scope can take.
//
// The node runtime's Net is node:net itself (NATIVE_NET): its scope hands out node:net's own sockets and
// servers, adopted by the runtime (closed at its shutdown) and by the scope (they hold it open). The
// local runtime driving a NodeReactor schedules Node's callbacks itself (HostHooks): its scope hands out
// NodeSockets over the reactor's Net. The same unmodified library code must work on both.
import { expect } from 'chai';
import http from 'node:http';
import net from 'node:net';
import pg from 'pg';
import { RuntimeShutdownError, type Runtime } from '@runtime-traits/core';
import { LocalRuntime } from '@runtime-traits/local';
import { NodeReactor, NodeRuntime } from '@runtime-traits/node';
import { NodeSocket, withNodeApis } from '../../src/index.js';
import { withPostgres } from '../helpers/servers.js';
import { isPatched, macrotasks } from './helpers.js';

/** node:net's own Socket class (net.Socket reads the scope-aware stand-in while a scope lives). */
const RealSocket = net.Socket;

/** What kind of socket a scope handed out. */
function kindOf(socket: unknown): 'native' | 'NodeSocket' | 'other' {
  if (socket instanceof NodeSocket) return 'NodeSocket';
  return (socket as object).constructor === RealSocket ? 'native' : 'other';
}

const paths: Array<{ name: string; open(): Promise<Runtime>; kind: 'native' | 'NodeSocket' }> = [
  { name: 'the node runtime (node:net\'s own sockets)', open: () => NodeRuntime.create(), kind: 'native' },
  { name: 'the local runtime driving a NodeReactor (NodeSockets)', open: async () => LocalRuntime.create({ reactor: await NodeReactor.create() }), kind: 'NodeSocket' },
];

for (const path of paths) {
  describe(`withNodeApis on ${path.name}: pg against a real PostgreSQL`, () => {
    const db = withPostgres();
    let rt: Runtime;
    beforeEach(async () => { rt = await path.open(); });
    afterEach(() => rt.shutdown());

    it('should run pg.Client unmodified, over TLS verifying the certificate, on a socket of the runtime', async () => {
      const seen = await withNodeApis(rt, async () => {
        const client = new pg.Client({ host: '127.0.0.1', port: db.server.port, user: db.server.user, database: 'postgres', ssl: { ca: db.server.ca } });
        await client.connect();
        const stream = (client as unknown as { connection: { stream: unknown } }).connection.stream;
        const { rows } = await client.query<{ ssl: boolean; n: number }>('SELECT ssl, 40 + 2 AS n FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
        await client.end();
        // pg made `new net.Socket()` and upgraded it with tls.connect({ socket }): the socket under the TLS one is the scope's.
        const options = Object.getOwnPropertySymbols(stream).find((k) => k.description === 'connect-options');
        const under = ((stream as Record<symbol, { socket?: unknown }>)[options!])?.socket;
        return { row: rows[0], tls: (stream as object).constructor.name, under: kindOf(under) };
      });
      expect(seen).to.deep.equal({ row: { ssl: true, n: 42 }, tls: 'TLSSocket', under: path.kind });
    });

    it('should run a pg.Pool unmodified on the scope\'s sockets, and let the scope end once the pool is closed', async () => {
      const result = await withNodeApis(rt, async () => {
        const pool = new pg.Pool({ host: '127.0.0.1', port: db.server.port, user: db.server.user, database: 'postgres', max: 3 });
        const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
        const kinds = clients.map((c) => kindOf((c as unknown as { connection: { stream: unknown } }).connection.stream));
        const sums = await Promise.all(clients.map(async (c, i) => (await c.query<{ n: number }>('SELECT $1::int + 1 AS n', [i])).rows[0]!.n));
        for (const c of clients) c.release();
        await pool.end();
        return { kinds, sums };
      });
      expect(result).to.deep.equal({ kinds: [path.kind, path.kind, path.kind], sums: [1, 2, 3] });
      for (let i = 0; i < 200 && isPatched(); i++) await macrotasks(1); // the sockets close as PostgreSQL answers the terminations
      expect(isPatched(), 'no socket left: the scope has ended').to.equal(false);
    });
  });
}

describe('withNodeApis on the node runtime: node:net\'s own sockets and servers, adopted', () => {
  it('should close what the scope opened when the runtime shuts down, and refuse to open more after', async () => {
    const rt = await NodeRuntime.create();
    const { server, client, accepted } = await withNodeApis(rt, async () => {
      const srv = http.createServer((_req, res) => res.end('ok')).listen(0, '127.0.0.1');
      await new Promise((resolve) => srv.once('listening', resolve));
      const { port } = srv.address() as net.AddressInfo;
      const sock = net.connect(port, '127.0.0.1');
      const acc = await new Promise<net.Socket>((resolve) => srv.once('connection', resolve));
      await new Promise((resolve) => sock.once('connect', resolve));
      return { server: srv, client: sock, accepted: acc };
    });
    expect([kindOf(client), kindOf(accepted), server.listening]).to.deep.equal(['native', 'native', true]);
    expect(rt.reactor.net.openCount.native, 'the server, its accepted socket and the client').to.equal(3);
    const closes: string[] = [];
    client.on('close', () => closes.push('client'));
    accepted.on('close', () => closes.push('accepted'));
    server.on('close', () => closes.push('server'));
    await rt.shutdown();
    expect(closes.sort()).to.deep.equal(['accepted', 'client', 'server']);
    expect([client.destroyed, server.listening, rt.reactor.net.openCount.native]).to.deep.equal([true, false, 0]);

    const late = await withNodeApis(rt, () => new Promise<unknown>((resolve) => {
      net.connect(1, '127.0.0.1').once('error', resolve).once('connect', () => resolve('connected'));
    }));
    expect(late).to.be.instanceOf(RuntimeShutdownError);
    await macrotasks();
    expect(isPatched()).to.equal(false);
  });

  it('should be held open by a ref\'d socket, not by an unref\'d one, and close the unref\'d one as it ends', async () => {
    const target = net.createServer((socket) => socket.on('data', (data) => socket.write(data)));
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const { port } = target.address() as net.AddressInfo;
    const rt = await NodeRuntime.create();
    try {
      const socket = await withNodeApis(rt, () => new Promise<net.Socket>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => resolve(s));
      }));
      await macrotasks(5);
      expect(isPatched(), 'the open socket holds the scope open').to.equal(true);
      const echoed = await new Promise<string>((resolve) => { socket.once('data', (d) => resolve(String(d))); socket.write('ping'); });
      expect(echoed).to.equal('ping');
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.unref(); // now only unref'd work is left: the scope ends and, as an exiting process, takes the socket along
      await closed;
      await macrotasks();
      expect([socket.destroyed, isPatched()]).to.deep.equal([true, false]);
    } finally {
      await rt.shutdown();
      await new Promise((resolve) => target.close(resolve));
    }
  });
});
