// Recipe: pg (node-postgres) through a runtime: its `stream` option makes an unconnected NodeSocket that pg connects (and upgrades to TLS).
import pg from 'pg';
import type { Reactor } from '@runtime-traits/core';
import { NodeRuntime } from '@runtime-traits/node';
import { createSocket } from '@runtime-traits/node-compat';
import { runMain } from './run-main.js';

/** pg's client config with its socket made over `reactor`; use it for `new pg.Client(...)` and `new pg.Pool(...)`. */
export function viaRuntime(reactor: Reactor, config: pg.ClientConfig): pg.ClientConfig {
  return { ...config, stream: () => createSocket(reactor) };
}

async function main(): Promise<void> {
  const rt = await NodeRuntime.create();
  const { PGHOST = '127.0.0.1', PGPORT = '5432', PGUSER = 'postgres', PG_CA } = process.env;
  const client = new pg.Client(viaRuntime(rt.reactor, {
    host: PGHOST, port: Number(PGPORT), user: PGUSER, database: 'postgres',
    ssl: PG_CA ? { ca: PG_CA } : undefined,                            // TLS is negotiated over the NodeSocket
  }));
  await client.connect();
  const { rows } = await client.query<{ sum: number; tls: boolean }>(
    'SELECT 1 + 1 AS sum, ssl AS tls FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
  console.log(`pg: 1 + 1 = ${rows[0]!.sum}, tls: ${rows[0]!.tls}`);
  await client.end();
  await rt.shutdown();
}

runMain(import.meta, main);
