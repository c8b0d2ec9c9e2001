// ioredis 5 and 6 at their DEFAULT options against the kv-server on every runtime: the connect
// handshake (CLIENT SETINFO, INFO ready check; ioredis 6 asks HELLO 3 first and, since it is
// answered, speaks RESP3 from then on), plain commands, pipelines, transactions and SCAN. ioredis 6
// with `protocol: 2` (RESP2 without asking) is tested too.
import { expect } from 'chai';
import { Redis as IORedis5 } from 'ioredis';
import { Redis as IORedis6 } from 'ioredis-v6';
import { RUNTIMES, startInProcess } from './support/in-process.js';
import type { RunningServer } from './support/in-process.js';

type Client = InstanceType<typeof IORedis5>;
/** Name, the protocol it speaks at these options, and how to make one. */
const CLIENTS: Array<[string, 2 | 3, (port: number) => Client]> = [
  ['ioredis 5 with default options', 2, (port) => new IORedis5({ port, host: '127.0.0.1' })],
  ['ioredis 6 with default options (RESP3)', 3, (port) => new IORedis6({ port, host: '127.0.0.1' }) as unknown as Client],
  ['ioredis 6 with protocol: 2', 2, (port) => new IORedis6({ port, host: '127.0.0.1', protocol: 2 }) as unknown as Client],
];

for (const runtime of RUNTIMES) {
  for (const [clientName, protocol, connect] of CLIENTS) {
    describe(`${clientName}, kv-server on the ${runtime} runtime`, function () {
      this.timeout(30_000);
      let server: RunningServer;
      let redis: Client;
      const errors: string[] = [];

      before(async () => {
        server = await startInProcess(runtime);
        redis = connect(server.port);
        redis.on('error', (error: Error) => errors.push(error.message));
        await new Promise<void>((resolve, reject) => {
          redis.once('ready', () => resolve());
          setTimeout(() => reject(new Error(`not ready after 10 s: ${errors.join('; ')}`)), 10_000).unref();
        });
      });

      after(async () => {
        redis?.disconnect();
        await server?.stop();
      });

      it(`should become ready without an error or a reconnect, speak RESP${protocol} and register itself with CLIENT SETINFO`, async () => {
        expect(errors).to.deep.equal([]);
        expect(await redis.ping()).to.equal('PONG');
        const info = String(await redis.client('INFO'));
        expect(info).to.match(new RegExp(` resp=${protocol} lib-name=ioredis `)).and.match(/ lib-ver=\d+\.\d+\.\d+/);
        if (runtime === 'worksteal') expect(server.threadId, server.where).to.not.equal(0);
      });

      it('should run plain string and key commands', async () => {
        await redis.flushdb();
        expect(await redis.set('greeting', 'héllo')).to.equal('OK');
        expect(await redis.get('greeting')).to.equal('héllo');
        expect(await redis.append('greeting', '!')).to.equal(7);
        expect(await redis.strlen('greeting')).to.equal(7);
        expect(await redis.incrby('n', 10)).to.equal(10);
        expect(await redis.decr('n')).to.equal(9);
        expect(await redis.decrby('n', 4)).to.equal(5);
        expect(await redis.mset({ a: '1', b: '2' })).to.equal('OK');
        expect(await redis.mget('a', 'b', 'nope')).to.deep.equal(['1', '2', null]);
        expect(await redis.setnx('a', 'x')).to.equal(0);
        expect(await redis.setex('s', 100, 'v')).to.equal('OK');
        expect(await redis.pttl('s')).to.be.within(99_000, 100_000);
        expect(await redis.persist('s')).to.equal(1);
        expect(await redis.ttl('s')).to.equal(-1);
        expect(await redis.psetex('p', 50_000, 'v')).to.equal('OK');
        expect(await redis.type('p')).to.equal('string');
        expect(await redis.type('nope')).to.equal('none');
        expect(await redis.unlink('p', 'nope')).to.equal(1);
        expect(await redis.select(0)).to.equal('OK');
        await redis.select(1).then(() => expect.fail('SELECT 1 must fail'), (error: Error) => {
          expect(error.message).to.equal('ERR DB index is out of range');
        });
        const [seconds, micros] = await redis.time();
        expect(Math.abs(Number(seconds) * 1000 + Number(micros) / 1000 - Date.now())).to.be.lessThan(5_000);
        expect(await redis.info('keyspace')).to.match(/^# Keyspace\r\ndb0:keys=\d+,expires=\d+/);
      });

      it('should answer a 1000-command pipeline in order', async () => {
        const pipeline = redis.pipeline();
        for (let i = 0; i < 500; i++) pipeline.set(`pipe:${i}`, String(i)).incr('pipe:count');
        const results = await pipeline.exec();
        expect(results).to.have.length(1000);
        expect(results!.every(([error]: [Error | null, unknown]) => error === null)).to.equal(true);
        expect(results![999]![1]).to.equal(500);
      });

      it('should run MULTI/EXEC as one transaction and abort it on a queueing error (EXECABORT)', async () => {
        await redis.set('t', '1');
        expect(await redis.multi().incr('t').incrby('t', 5).get('t').exec()).to.deep.equal([[null, 2], [null, 7], [null, '7']]);
        const aborted = await redis.multi().set('t', 'changed').call('NOSUCHCOMMAND').exec()
          .then(() => 'resolved', (error: Error) => error.message);
        expect(aborted).to.match(/EXECABORT/);
        expect(await redis.get('t')).to.equal('7');
      });

      it('should return null from EXEC when a WATCHed key changed, and run nothing', async () => {
        const other = connect(server.port);
        try {
          await redis.set('w', '1');
          await redis.watch('w');
          await other.set('w', '2');
          expect(await redis.multi().set('w', 'mine').exec()).to.equal(null);
          expect(await redis.get('w')).to.equal('2');
        } finally {
          other.disconnect();
        }
      });

      it('should list every key with scanStream (SCAN with MATCH and COUNT)', async () => {
        await redis.flushdb();
        const pipeline = redis.pipeline();
        for (let i = 0; i < 300; i++) pipeline.set(i % 3 === 0 ? `user:${i}` : `other:${i}`, 'x');
        await pipeline.exec();
        const found = new Set<string>();
        await new Promise<void>((resolve, reject) => {
          redis.scanStream({ match: 'user:*', count: 7 })
            .on('data', (keys: string[]) => keys.forEach((key) => found.add(key)))
            .on('end', resolve).on('error', reject);
        });
        expect(found.size).to.equal(100);
        expect([...found].every((key) => key.startsWith('user:'))).to.equal(true);
      });
    });
  }
}
