// Each library once inside a worksteal worker, on the worker's own reactor (sockets cannot cross threads: the whole workload runs there).
import { expect } from 'chai';
import { WorkStealingRuntime } from '@runtime-traits/worksteal';
import { httpInWorker, ioredisInWorker, nodeApisInWorker, pgInWorker, postgresInWorker, undiciInWorker, wsInWorker } from './fixtures/worker-libraries.js';
import { withPostgres, withRedis } from './helpers/servers.js';

describe('Node libraries over node-compat inside a worksteal worker', () => {
  const redis = withRedis();
  const db = withPostgres();
  let rt: WorkStealingRuntime;
  before(async () => { rt = await WorkStealingRuntime.create({ workers: 1 }); });
  after(() => rt.shutdown());

  it('should run http with a kept-alive socket', async () => {
    expect(await rt.executor.spawn(httpInWorker, [])).to.deep.equal({ bodies: ['/a', '/b'], oneSocket: true });
  });

  it('should run an undici Pool with pipelining', async () => {
    expect(await rt.executor.spawn(undiciInWorker, [])).to.deep.equal(Array.from({ length: 12 }, (_, i) => `u/${i}`));
  });

  it('should run a ws echo', async () => {
    expect(await rt.executor.spawn(wsInWorker, [])).to.deep.equal(['echo a', 'echo bb', 'echo ccc']);
  });

  it('should run ioredis and reconnect after CLIENT KILL', async () => {
    expect(await rt.executor.spawn(ioredisInWorker, [redis.server.port])).to.deep.equal({ value: 'value', reconnected: true });
  });

  it('should run pg over TLS', async () => {
    expect(await rt.executor.spawn(pgInWorker, [db.server.port, db.server.ca])).to.deep.equal({ ssl: true, n: 42 });
  });

  it('should run unmodified http under withNodeApis on the worker\'s runtime, on node:net\'s own sockets adopted by its Net', async () => {
    expect(await rt.executor.spawn(nodeApisInWorker, [])).to.deep.equal({ body: 'hello /w', kinds: ['native'], adoptedWhileOpen: true });
  });

  it('should run postgres.js over TLS', async () => {
    expect(await rt.executor.spawn(postgresInWorker, [db.server.port, db.server.ca])).to.deep.equal({ ssl: true, n: 42 });
  });
});
