// node-redis (the `redis` package) 4, 5 and 6 at their DEFAULT options against the kv-server on every
// runtime: connect (node-redis 6: HELLO 3, with no fallback to RESP2; all: CLIENT SETINFO), commands,
// pipelines, transactions with WATCH; node-redis 6 with `RESP: 2` too. RESP3's own shapes (a map
// for CONFIG GET and HELLO, the `_` null, verbatim INFO) are checked through node-redis 6.
import { expect } from 'chai';
import { createClient as createClient5 } from 'redis';
import { createClient as createClient4 } from 'redis-v4';
import { createClient as createClient6 } from 'redis-v6';
import { RUNTIMES, startInProcess } from './support/in-process.js';
import type { RunningServer } from './support/in-process.js';

/** What these tests call on a client; every version below has it. */
interface Client {
  connect(): Promise<unknown>;
  quit(): Promise<unknown>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  sendCommand(args: string[]): Promise<unknown>;
  set(key: string, value: string): Promise<unknown>;
  get(key: string): Promise<unknown>;
  incr(key: string): Promise<unknown>;
  mGet(keys: string[]): Promise<unknown>;
  configGet(pattern: string): Promise<unknown>;
  info(section: string): Promise<unknown>;
  watch(key: string): Promise<unknown>;
  multi(): { set(k: string, v: string): ReturnType<Client['multi']>; incr(k: string): ReturnType<Client['multi']>;
    get(k: string): ReturnType<Client['multi']>; exec(): Promise<unknown[]>; execAsPipeline(): Promise<unknown[]> };
}

/** Name, the protocol it speaks at these options, and how to make one. */
const CLIENTS: Array<[string, 2 | 3, (port: number) => Client]> = [
  ['node-redis 4, default options', 2, (port) => createClient4({ socket: { port, host: '127.0.0.1' } }) as unknown as Client],
  ['node-redis 5, default options', 2, (port) => createClient5({ socket: { port, host: '127.0.0.1' } }) as unknown as Client],
  ['node-redis 6, default options (RESP3)', 3, (port) => createClient6({ socket: { port, host: '127.0.0.1' } }) as unknown as Client],
  ['node-redis 6 with RESP: 2', 2, (port) => createClient6({ socket: { port, host: '127.0.0.1' }, RESP: 2 }) as unknown as Client],
];

for (const runtime of RUNTIMES) {
  for (const [clientName, protocol, create] of CLIENTS) {
    describe(`${clientName}, kv-server on the ${runtime} runtime`, function () {
      this.timeout(30_000);
      let server: RunningServer;
      let client: Client;
      const errors: string[] = [];

      before(async () => {
        server = await startInProcess(runtime);
        client = create(server.port);
        client.on('error', (error) => errors.push(error.message));
        await client.connect();
      });

      after(async () => {
        await client?.quit().catch(() => undefined);
        await server?.stop();
      });

      it(`should connect without an error, speak RESP${protocol} and register itself with CLIENT SETINFO`, async () => {
        expect(errors).to.deep.equal([]);
        expect(await client.sendCommand(['PING'])).to.equal('PONG');
        expect(String(await client.sendCommand(['CLIENT', 'INFO']))).to.match(new RegExp(` resp=${protocol} lib-name=node-redis `));
        if (runtime === 'worksteal') expect(server.threadId, server.where).to.not.equal(0);
      });

      it('should decode the replies whose shape depends on the protocol: nulls, CONFIG GET, INFO', async () => {
        expect(await client.get('never-set')).to.equal(null);
        expect(await client.mGet(['never-set'])).to.deep.equal([null]);
        // node-redis turns CONFIG GET into an object from a RESP3 map and from a RESP2 flat array alike.
        expect(await client.configGet('appendonly')).to.deep.equal({ appendonly: 'no' });
        expect(await client.info('persistence')).to.match(/^# Persistence\r\nloading:0\r\n/);
      });

      it('should run commands and a pipeline', async () => {
        await client.sendCommand(['FLUSHDB']);
        expect(await client.set('k', 'v')).to.equal('OK');
        expect(await client.get('k')).to.equal('v');
        expect(await client.incr('n')).to.equal(1);
        expect(await client.mGet(['k', 'n', 'nope'])).to.deep.equal(['v', '1', null]);
        const replies = await client.multi().set('a', '1').incr('a').get('a').execAsPipeline();
        expect(replies).to.deep.equal(['OK', 2, '2']);
      });

      it('should run MULTI/EXEC atomically and fail it when a WATCHed key changed', async () => {
        expect(await client.multi().incr('m').incr('m').get('m').exec()).to.deep.equal([1, 2, '2']);
        const other = create(server.port);
        other.on('error', () => undefined);
        await other.connect();
        try {
          await client.watch('m');
          await other.set('m', 'changed');
          const outcome = await client.multi().set('m', 'mine').exec().then(() => 'committed', (error: Error) => error.constructor.name);
          expect(outcome).to.equal('WatchError');
          expect(await client.get('m')).to.equal('changed');
        } finally {
          await other.quit();
        }
      });
    });
  }
}
