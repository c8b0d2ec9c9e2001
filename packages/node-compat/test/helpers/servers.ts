// Mocha hooks that start a real redis-server and a real PostgreSQL (TLS on) for a describe block, and stop them after.
import { startPostgres, startRedis, type TestPostgres, type TestRedis } from '@runtime-traits/test-servers';

export function withRedis(): { readonly server: TestRedis } {
  const holder = {} as { server: TestRedis };
  before(async function () {
    this.timeout(30_000);
    holder.server = await startRedis();
  });
  after(() => holder.server?.stop());
  return holder;
}

export function withPostgres(): { readonly server: TestPostgres } {
  const holder = {} as { server: TestPostgres };
  before(async function () {
    this.timeout(120_000);
    holder.server = await startPostgres();
  });
  after(() => holder.server?.stop());
  return holder;
}
