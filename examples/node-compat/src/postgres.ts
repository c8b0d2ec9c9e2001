// Recipe: postgres.js through a runtime: its `socket` option receives a connected NodeSocket (TLS goes over it).
import postgres from 'postgres';
import type { Reactor } from '@runtime-traits/core';
import { NodeRuntime } from '@runtime-traits/node';
import { createConnection, type NodeSocket } from '@runtime-traits/node-compat';
import { runMain } from './run-main.js';

/** postgres.js's `socket` option: a NodeSocket over `reactor`, connected to the first host. */
export function runtimeSocket(reactor: Reactor) {
  return (options: { host: string[]; port: number[] }): Promise<NodeSocket> => new Promise((resolve, reject) => {
    const socket = createConnection(reactor, { host: options.host[0]!, port: options.port[0]! });
    socket.once('error', reject).once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

async function main(): Promise<void> {
  const rt = await NodeRuntime.create();
  const { PGHOST = '127.0.0.1', PGPORT = '5432', PGUSER = 'postgres', PG_CA } = process.env;
  const sql = postgres({
    host: PGHOST, port: Number(PGPORT), user: PGUSER, database: 'postgres',
    ssl: PG_CA ? { ca: PG_CA } : false,
    socket: runtimeSocket(rt.reactor),
  } as postgres.Options<{}>);
  const [row] = await sql<Array<{ sum: number; tls: boolean }>>`SELECT 2 + 2 AS sum, ssl AS tls FROM pg_stat_ssl WHERE pid = pg_backend_pid()`;
  console.log(`postgres.js: 2 + 2 = ${row!.sum}, tls: ${row!.tls}`);
  await sql.end();
  await rt.shutdown();
}

runMain(import.meta, main);
