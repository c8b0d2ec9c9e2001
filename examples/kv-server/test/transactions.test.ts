// MULTI/EXEC atomicity seen from a second client, on every runtime: nothing queued runs before EXEC,
// and a reader never observes half a transaction, even when the transaction arrives command by
// command across many reads while the reader polls in between.
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { RUNTIMES, startInProcess } from './support/in-process.js';
import type { RunningServer } from './support/in-process.js';

for (const runtime of RUNTIMES) {
  describe(`MULTI/EXEC seen from another client, kv-server on the ${runtime} runtime`, function () {
    this.timeout(60_000);
    let server: RunningServer;
    let writer: Redis;
    let reader: ReturnType<typeof createClient>;

    before(async () => {
      server = await startInProcess(runtime);
      writer = new Redis({ port: server.port, host: '127.0.0.1' });
      reader = createClient({ socket: { port: server.port, host: '127.0.0.1' } });
      reader.on('error', () => undefined);
      await reader.connect();
    });

    after(async () => {
      writer?.disconnect();
      await reader?.quit().catch(() => undefined);
      await server?.stop();
    });

    it('should run nothing queued before EXEC, then all of it', async () => {
      await writer.mset({ a: '1', b: '1' });
      await writer.multi({ pipeline: false });
      expect(await writer.set('a', 'queued')).to.equal('QUEUED');
      expect(await writer.incr('b')).to.equal('QUEUED');
      expect(await reader.mGet(['a', 'b'])).to.deep.equal(['1', '1']);
      expect(await writer.exec()).to.deep.equal([[null, 'OK'], [null, 2]]);
      expect(await reader.mGet(['a', 'b'])).to.deep.equal(['queued', '2']);
    });

    it('should never show a reader half a transaction sent one command per round trip', async () => {
      await writer.mset({ x: '0', y: '0' });
      const seen: string[] = [];
      let done = false;
      const polling = (async () => {
        while (!done) {
          const [x, y] = await reader.mGet(['x', 'y']);
          seen.push(`${x}/${y}`);
        }
      })();
      const TRANSACTIONS = 100;
      for (let i = 0; i < TRANSACTIONS; i++) {
        await writer.multi({ pipeline: false });
        await writer.incr('x');
        seen.push(`between:${(await reader.mGet(['x', 'y'])).join('/')}`);
        await writer.incr('y');
        const replies = await writer.exec();
        expect(replies).to.deep.equal([[null, i + 1], [null, i + 1]]);
      }
      done = true;
      await polling;
      const torn = seen.filter((pair) => { const [x, y] = pair.replace('between:', '').split('/'); return x !== y; });
      expect(torn, `observations with x != y on ${server.where}`).to.deep.equal([]);
      expect(seen.filter((pair) => pair.startsWith('between:'))).to.have.length(TRANSACTIONS);
      expect(await reader.mGet(['x', 'y'])).to.deep.equal([String(TRANSACTIONS), String(TRANSACTIONS)]);
    });

    it('should abort a transaction with a queueing error as a whole (EXECABORT), leaving the store as it was', async () => {
      await writer.set('c', 'before');
      await writer.multi({ pipeline: false });
      await writer.set('c', 'after');
      const rejected = await writer.call('SET', 'only-a-key').then(() => 'accepted', (error: Error) => error.message);
      expect(rejected).to.equal("ERR wrong number of arguments for 'set' command");
      const outcome = await writer.exec().then(() => 'committed', (error: Error) => error.message);
      expect(outcome).to.match(/^EXECABORT Transaction discarded because of previous errors/);
      expect(await reader.get('c')).to.equal('before');
    });
  });
}
