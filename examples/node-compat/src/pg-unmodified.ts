// Recipe: pg with no option of ours, inside withNodeApis on the node runtime — its `new net.Socket()` is a NodeSocket over the runtime.
import pg from 'pg';
import { NodeRuntime } from '@runtime-traits/node';
import { withNodeApis } from '@runtime-traits/node-compat';
import { runMain } from './run-main.js';

const { PGHOST = '127.0.0.1', PGPORT = '5432', PGUSER = 'postgres', PG_CA } = process.env;

async function main(): Promise<void> {
  const rt = await NodeRuntime.create();
  const row = await withNodeApis(rt, async () => {
    const client = new pg.Client({ host: PGHOST, port: Number(PGPORT), user: PGUSER, database: 'postgres', ssl: PG_CA ? { ca: PG_CA } : undefined });
    await client.connect();
    const { rows } = await client.query<{ n: number; ssl: boolean }>('SELECT 1 + 1 AS n, ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    await client.end();
    return rows[0]!;
  });
  console.log(`pg (unmodified, in withNodeApis): 1 + 1 = ${row.n}, tls: ${row.ssl}`);
  await rt.shutdown();
}

runMain(import.meta, main);
