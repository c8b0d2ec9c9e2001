// Every recipe runs as a program (node dist/src/<recipe>.js) against real servers, prints what it promises and exits 0 by itself.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startPostgres, startRedis, type TestPostgres, type TestRedis } from '@runtime-traits/test-servers';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function runRecipe(name: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [`${SRC}${name}.js`], { env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('examples/node-compat recipes', function () {
  this.timeout(120_000);
  let redis: TestRedis;
  let db: TestPostgres;
  before(async () => {
    [redis, db] = await Promise.all([startRedis(), startPostgres()]);
  });
  after(async () => {
    await Promise.all([redis?.stop(), db?.stop()]);
  });

  const cases: Array<[string, () => Record<string, string>, string]> = [
    ['http', () => ({}), 'hello from /a\nhello from /b\n'],
    ['undici', () => ({}), 'undici got /1, undici got /2, undici got /3\n'],
    ['ws', () => ({}), 'echo: hi\n'],
    ['ioredis', () => ({ REDIS_PORT: String(redis.port) }), 'ioredis: over a runtime\n'],
    ['pg', () => ({ PGPORT: String(db.port), PG_CA: db.ca }), 'pg: 1 + 1 = 2, tls: true\n'],
    ['postgres', () => ({ PGPORT: String(db.port), PG_CA: db.ca }), 'postgres.js: 2 + 2 = 4, tls: true\n'],
    ['pg-unmodified', () => ({ PGPORT: String(db.port), PG_CA: db.ca }), 'pg (unmodified, in withNodeApis): 1 + 1 = 2, tls: true\n'],
    ['simulated', () => ({}), 'hello at 2000-01-01T00:00:00.006Z\nhello at 2000-01-01T01:00:00.020Z\n'],
  ];
  for (const [name, env, expected] of cases) {
    it(`should run the ${name} recipe and exit 0 by itself`, async () => {
      const run = await runRecipe(name, env());
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.equal(expected);
    });
  }
});
