// withNodeApis on real-time runtimes over node:net: pg unmodified against a real PostgreSQL, on both paths a scope can take.
//
// The node runtime's Net is node:net itself (NATIVE_NET): its scope hands out node:net's own sockets and
// servers, adopted by the runtime (closed at its shutdown) and by the scope (they hold it open). The
// local runtime driving a NodeReactor schedules Node's callbacks itself (HostHooks): its scope hands out
// NodeSockets over the reactor's Net. The same unmodified library code must work on both.
import { expect } from 'chai';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { Redis } from 'ioredis';
import pg from 'pg';
import { RuntimeShutdownError, type Runtime } from '@runtime-traits/core';
import { LocalRuntime } from '@runtime-traits/local';
import { NodeReactor, NodeRuntime } from '@runtime-traits/node';
import { NodeSocket, withNodeApis } from '../../src/index.js';
import { withPostgres } from '../helpers/servers.js';
import { isPatched, macrotasks, nodeSetTimeout } from './helpers.js';

/** node:net's own Socket class (net.Socket reads the scope-aware stand-in while a scope lives). */
const RealSocket = net.Socket;

/** What kind of socket a scope handed out. */
function kindOf(socket: unknown): 'native' | 'NodeSocket' | 'other' {
  if (socket instanceof NodeSocket) return 'NodeSocket';
  return (socket as object).constructor === RealSocket ? 'native' : 'other';
}

/** A runtime and what shuts it down (the local runtime does not close a reactor it was given). */
type Opened = { rt: Runtime; close(): Promise<void> };

const paths: Array<{ name: string; open(): Promise<Opened>; kind: 'native' | 'NodeSocket' }> = [
  {
    name: 'the node runtime (node:net\'s own sockets)', kind: 'native',
    open: async () => { const rt = await NodeRuntime.create(); return { rt, close: () => rt.shutdown() }; },
  },
  {
    name: 'the local runtime driving a NodeReactor (NodeSockets)', kind: 'NodeSocket',
    open: async () => {
      const reactor = await NodeReactor.create();
      const rt = await LocalRuntime.create({ reactor });
      return { rt, close: async () => { await rt.shutdown(); await reactor.close(); } };
    },
  },
];

/** Resolves once `emitter` emits `event`, or rejects after `ms` (a test must fail, not hang). */
function within<T>(emitter: NodeJS.EventEmitter, event: string, ms = 5_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${ms} ms`)), ms);
    emitter.once(event, (value: T) => { clearTimeout(timer); resolve(value); });
  });
}

for (const path of paths) {
  describe(`withNodeApis on ${path.name}: pg against a real PostgreSQL`, () => {
    const db = withPostgres();
    let opened: Opened;
    let rt: Runtime;
    beforeEach(async () => { opened = await path.open(); rt = opened.rt; });
    afterEach(() => opened.close());

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

  it('should drop the scope\'s timers when the runtime shuts down: an interval stops, a pending timeout never fires, nothing keeps the process alive', async () => {
    const timeouts = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const rt = await NodeRuntime.create();
    const before = timeouts(); // (after an await: mocha's own timer for this test is armed by now)
    const fired: string[] = [];
    await withNodeApis(rt, () => {
      setInterval(() => fired.push('interval'), 2);
      setTimeout(() => fired.push('timeout'), 60_000);
    });
    await new Promise((resolve) => nodeSetTimeout(resolve, 10));
    await rt.shutdown();
    const atShutdown = fired.length;
    await new Promise((resolve) => nodeSetTimeout(resolve, 30));
    expect(fired.length, 'the interval ran on after shutdown').to.equal(atShutdown);
    expect(timeouts(), `Node timers left behind by the scope: ${process.getActiveResourcesInfo().join()} before ${before}`).to.equal(before);
    await macrotasks();
    expect(isPatched()).to.equal(false);
  });

  it('should stop a library that reconnects from its socket\'s \'close\' (ioredis) when the runtime shuts down, and leave nothing running', async () => {
    const silent = net.createServer((socket) => socket.on('data', () => {})); // a Redis that never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const rt = await NodeRuntime.create();
    const baseline = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const errors: string[] = [];
    try {
      await withNodeApis(rt, async () => {
        const redis = new Redis({ host: '127.0.0.1', port: (silent.address() as net.AddressInfo).port });
        redis.on('error', (e: { code?: string }) => errors.push(String(e.code)));
        void redis.get('k').catch(() => {});
        await new Promise((resolve) => redis.once('connect', resolve));
      });
      await rt.shutdown(); // the Net closes the socket; ioredis's 'close' handler then schedules its reconnect
      await new Promise((resolve) => nodeSetTimeout(resolve, 300)); // ioredis's first retries come after 50, 100, 150 ms
      expect(errors, 'reconnect attempts after shutdown').to.deep.equal([]);
      expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length, 'timers left running').to.equal(baseline);
      expect(isPatched()).to.equal(false);
    } finally {
      await new Promise((resolve) => silent.close(resolve));
    }
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
      const closed = within(socket, 'close');
      socket.unref(); // now only unref'd work is left: the scope ends and, as an exiting process, takes the socket along
      await closed;
      await macrotasks();
      expect([socket.destroyed, isPatched()]).to.deep.equal([true, false]);
    } finally {
      await rt.shutdown();
      await new Promise((resolve) => target.close(resolve));
    }
  });

  it('should release a server whose listen failed (EADDRINUSE): nothing left adopted, the scope ends', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const rt = await NodeRuntime.create();
    try {
      const error = await withNodeApis(rt, () => {
        const server = net.createServer().listen((taken.address() as net.AddressInfo).port, '127.0.0.1');
        return within<NodeJS.ErrnoException>(server, 'error');
      });
      expect(error.code).to.equal('EADDRINUSE');
      expect(rt.reactor.net.openCount.native).to.equal(0);
      for (let i = 0; i < 50 && isPatched(); i++) await macrotasks(1);
      expect(isPatched(), 'the failed server does not hold the scope open').to.equal(false);
    } finally {
      await rt.shutdown();
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('should keep a socket adopted that connects again from its own \'close\' listener, and close it at shutdown', async () => {
    const target = net.createServer((socket) => socket.on('error', () => {}));
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const refused = net.createServer();
    await new Promise<void>((resolve) => refused.listen(0, '127.0.0.1', resolve));
    const refusedPort = (refused.address() as net.AddressInfo).port;
    await new Promise((resolve) => refused.close(resolve)); // nothing listens there now: ECONNREFUSED
    const rt = await NodeRuntime.create();
    try {
      const socket = await withNodeApis(rt, () => new Promise<net.Socket>((resolve) => {
        const s = new net.Socket();
        s.on('error', () => {}); // the first connect's ECONNREFUSED
        s.once('close', () => {
          s.connect((target.address() as net.AddressInfo).port, '127.0.0.1', () => resolve(s));
        });
        s.connect(refusedPort, '127.0.0.1');
      }));
      expect(rt.reactor.net.openCount.native, 'the reconnected socket').to.equal(1);
      const closed = within(socket, 'close');
      await rt.shutdown();
      await closed;
      expect(socket.destroyed).to.equal(true);
    } finally {
      await rt.shutdown();
      await new Promise((resolve) => target.close(resolve));
    }
  });

  it('should let a server adopted by a runtime that shut down listen again outside it, its connections untouched', async () => {
    const rt = await NodeRuntime.create();
    const server = net.createServer((socket) => socket.end('hello'));
    await withNodeApis(rt, () => new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve); }));
    await rt.shutdown();
    expect(server.listening).to.equal(false);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)); // plain Node now
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        let text = '';
        net.connect((server.address() as net.AddressInfo).port, '127.0.0.1').setEncoding('utf8')
          .on('data', (chunk: string) => { text += chunk; }).on('end', () => resolve(text)).on('error', reject);
      });
      expect(reply, 'the dead runtime no longer destroys the server\'s connections').to.equal('hello');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('should fail a TLS connect after shutdown with RuntimeShutdownError as an \'error\' event, not a throw', async () => {
    const rt = await NodeRuntime.create();
    await rt.shutdown();
    const error = await withNodeApis(rt, () => within(tls.connect({ host: 'localhost', port: 1, servername: 'example.test' }), 'error'));
    expect(error).to.be.instanceOf(RuntimeShutdownError);
    const listenError = await withNodeApis(rt, () => within(net.createServer().listen(0, '127.0.0.1'), 'error'));
    expect(listenError).to.be.instanceOf(RuntimeShutdownError);
  });

  it('should not adopt what the runtime\'s own Net opens when code in the scope calls it directly', async () => {
    const target = net.createServer((socket) => socket.on('error', () => {}));
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const rt = await NodeRuntime.create();
    try {
      const conn = await withNodeApis(rt, () => rt.reactor.net.connect({ host: '127.0.0.1', port: (target.address() as net.AddressInfo).port }));
      expect(rt.reactor.net.openCount).to.deep.include({ connections: 1, native: 0 });
      await conn.close();
    } finally {
      await rt.shutdown();
      await new Promise((resolve) => target.close(resolve));
    }
  });
});
