// withNodeApis on the node runtime: pg, unmodified (no stream option), against a real PostgreSQL — its sockets are the runtime's.
import { expect } from 'chai';
import pg from 'pg';
import { NodeRuntime } from '@runtime-traits/node';
import { NodeSocket, withNodeApis } from '../../src/index.js';
import { withPostgres } from '../helpers/servers.js';
import { isPatched, macrotasks } from './helpers.js';

describe('withNodeApis on the node runtime: pg against a real PostgreSQL', () => {
  const db = withPostgres();
  let rt: NodeRuntime;
  beforeEach(async () => { rt = await NodeRuntime.create(); });
  afterEach(() => rt.shutdown());

  it('should run pg.Client unmodified, over TLS verifying the certificate, on a socket of the runtime', async () => {
    const seen = await withNodeApis(rt, async () => {
      const client = new pg.Client({ host: '127.0.0.1', port: db.server.port, user: db.server.user, database: 'postgres', ssl: { ca: db.server.ca } });
      await client.connect();
      const stream = (client as unknown as { connection: { stream: unknown } }).connection.stream;
      const { rows } = await client.query<{ ssl: boolean; n: number }>('SELECT ssl, 40 + 2 AS n FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      await client.end();
      // pg made `new net.Socket()` and upgraded it with tls.connect({ socket }): the socket under the TLS one is the runtime's.
      const options = Object.getOwnPropertySymbols(stream).find((k) => k.description === 'connect-options');
      const under = ((stream as Record<symbol, { socket?: unknown }>)[options!])?.socket;
      return { row: rows[0], tls: (stream as object).constructor.name, under: under instanceof NodeSocket };
    });
    expect(seen).to.deep.equal({ row: { ssl: true, n: 42 }, tls: 'TLSSocket', under: true });
  });

  it('should run a pg.Pool unmodified, its connections NodeSockets, and let the scope end once the pool is closed', async () => {
    const result = await withNodeApis(rt, async () => {
      const pool = new pg.Pool({ host: '127.0.0.1', port: db.server.port, user: db.server.user, database: 'postgres', max: 3 });
      const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
      const kinds = clients.map((c) => (c as unknown as { connection: { stream: unknown } }).connection.stream instanceof NodeSocket);
      const sums = await Promise.all(clients.map(async (c, i) => (await c.query<{ n: number }>('SELECT $1::int + 1 AS n', [i])).rows[0]!.n));
      for (const c of clients) c.release();
      await pool.end();
      return { kinds, sums };
    });
    expect(result).to.deep.equal({ kinds: [true, true, true], sums: [1, 2, 3] });
    for (let i = 0; i < 200 && isPatched(); i++) await macrotasks(1); // the sockets close as PostgreSQL answers the terminations
    expect(isPatched(), 'no socket left: the scope has ended').to.equal(false);
  });
});
