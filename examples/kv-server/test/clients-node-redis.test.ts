// node-redis (the `redis` package) 4 and 5 at their DEFAULT options against the kv-server on every
// runtime: connect (CLIENT SETINFO), commands, pipelines, transactions with WATCH. node-redis 6
// asks for RESP3 by default with no fallback; it works here with `RESP: 2`, which is tested too.
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
  watch(key: string): Promise<unknown>;
  multi(): { set(k: string, v: string): ReturnType<Client['multi']>; incr(k: string): ReturnType<Client['multi']>;
    get(k: string): ReturnType<Client['multi']>; exec(): Promise<unknown[]>; execAsPipeline(): Promise<unknown[]> };
}

const CLIENTS: Array<[string, (port: number) => Client]> = [
  ['node-redis 4, default options', (port) => createClient4({ socket: { port, host: '127.0.0.1' } }) as unknown as Client],
  ['node-redis 5, default options', (port) => createClient5({ socket: { port, host: '127.0.0.1' } }) as unknown as Client],
  ['node-redis 6 with RESP: 2', (port) => createClient6({ socket: { port, host: '127.0.0.1' }, RESP: 2 }) as unknown as Client],
];

for (const runtime of RUNTIMES) {
  for (const [clientName, create] of CLIENTS) {
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

      it('should connect without an error and register itself with CLIENT SETINFO', async () => {
        expect(errors).to.deep.equal([]);
        expect(await client.sendCommand(['PING'])).to.equal('PONG');
        expect(await client.sendCommand(['CLIENT', 'INFO'])).to.match(/ lib-name=node-redis /);
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

describe('node-redis 6 with default options (RESP3 asked for, no fallback)', function () {
  this.timeout(30_000);

  it('should be refused with the NOPROTO error Redis gives for a protocol it does not speak', async () => {
    const server = await startInProcess('node');
    const client = createClient6({ socket: { port: server.port, host: '127.0.0.1', reconnectStrategy: false } });
    client.on('error', () => undefined);
    try {
      const outcome = await client.connect().then(() => 'connected', (error: Error) => error.message);
      expect(outcome).to.equal('NOPROTO unsupported protocol version');
    } finally {
      await client.disconnect().catch(() => undefined);
      await server.stop();
    }
  });
});
