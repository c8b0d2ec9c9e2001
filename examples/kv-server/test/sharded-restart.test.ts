// Shard-per-core kv-server when a worker thread dies: its replacement starts the shard again (empty) and listens, so the server keeps answering on every worker.
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { WorkerCrashedError } from '@runtime-traits/core';
import { WorkStealingRuntime } from '@runtime-traits/worksteal';
import { startSharded, stopSharded } from '../src/shard/index.js';
import { exitWorker } from './support/exit-worker.js';
import { onShards10 } from './support/sharded.js';

describe('kv-server shard-per-core after a worker dies', function () {
  this.timeout(60_000);

  it("starts the dead worker's shard again on its replacement: empty, listening, and the other shard's keys intact", async () => {
    const rt = await WorkStealingRuntime.create({ workers: 2, stealing: false, mainSlots: 1024, workerSlots: 1024 });
    const logged: string[] = [];
    const print = console.error;
    console.error = (...args: unknown[]) => { logged.push(args.map(String).join(' ')); };
    const clients: Redis[] = [];
    const connect = async (port: number): Promise<Redis> => {
      const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      clients.push(client);
      await client.connect();
      return client;
    };
    try {
      const server = await startSharded(rt, { port: 0 });
      const [onOne, onZero] = onShards10('restart');
      await (await connect(server.port)).mset(onOne, 'one', onZero, 'zero');
      // Worker 0 listens in both layouts (alone without net.reusePort): the server stops accepting unless its shard starts again.
      const crash = await Promise.resolve(rt.spawnOn(0, exitWorker, [])).then(() => undefined, (e: unknown) => e);
      expect(crash).to.be.instanceOf(WorkerCrashedError);
      let answered: unknown[] | undefined;
      for (let tries = 0; answered === undefined && tries < 100; tries++) {
        answered = await connect(server.port).then((c) => c.mget(onZero, onOne), () => undefined);
        if (answered === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(answered, "shard 0's keys went with its thread; shard 1's stayed").to.deep.equal([null, 'one']);
      expect(logged.join('\n')).to.match(/kv-server: worker 0 died: .*(process\.exit\(3\)|code 3).*; shard 0 starts again, empty/);
      if (server.reusePort) {
        // Both workers accept again: 16 connections do not all land on one (each CLIENT LIST names its own worker's).
        const conns = await Promise.all(Array.from({ length: 16 }, () => connect(server.port)));
        const counts = await Promise.all(conns.map(async (c) => (await c.client('LIST') as string).trim().split('\n').length));
        expect(Math.max(...counts), `connections per worker: ${counts.join(',')}`).to.be.below(clients.length);
      }
      await stopSharded(rt);
    } finally {
      console.error = print;
      for (const client of clients) client.disconnect();
      await rt.shutdown();
    }
  });
});
