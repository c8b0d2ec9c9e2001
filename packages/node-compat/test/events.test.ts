// NodeSocket emits what net.Socket emits, in the same order: every scenario on node:net itself and on node-compat over the node runtime (either end).
import { expect } from 'chai';
import { NodeRuntime } from '@runtime-traits/node';
import { compatApi, rawApi, type Ends } from './fixtures/net-api.js';
import { ALL, drain, type ScenarioName } from './fixtures/scenarios.js';
import { EXPECTED } from './fixtures/expected.js';
import { watchRejections } from './helpers/rejections.js';
import net from 'node:net';
import { createConnection } from '../src/index.js';
import { trace } from './fixtures/trace.js';

const NAMES = Object.keys(EXPECTED) as Array<keyof typeof EXPECTED>;

describe('NodeSocket events and states, against node:net', () => {
  let rt: NodeRuntime;
  const rejections = watchRejections();
  before(async () => { rt = await NodeRuntime.create(); });
  after(() => rt.shutdown());

  describe('node:net itself (the reference the expected values were taken from)', () => {
    for (const name of NAMES) {
      it(`should give the expected ${name}`, async () => {
        const raw = rawApi();
        expect(await ALL[name as ScenarioName]({ server: raw, client: raw })).to.deep.equal(EXPECTED[name]);
      });
    }
  });

  it('should report a reset from the peer as error ECONNRESET (syscall read, errno), then close(true), on both node:net and NodeSocket', async () => {
    const logs: string[][] = [];
    for (const connect of [
      (port: number) => net.connect(port, '127.0.0.1'),
      (port: number) => createConnection(rt.reactor, { port, host: '127.0.0.1' }),
    ]) {
      // A server that never reads and then closes: Linux answers the unread data with a reset.
      const server = net.createServer({ pauseOnConnect: true }, (s) => { setTimeout(() => s.destroy(), 100); });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const client = connect((server.address() as net.AddressInfo).port);
      let syscall: unknown;
      client.on('error', (e: NodeJS.ErrnoException) => { syscall = `${e.syscall} ${e.errno}`; });
      client.on('connect', () => client.write(Buffer.alloc(4096, 1)));
      logs.push([...await trace(client).closed, String(syscall)]);
      await new Promise((resolve) => server.close(resolve));
    }
    expect(logs[0]).to.deep.equal(['connect', 'ready', 'error:ECONNRESET', 'close(true)', 'read -104']);
    expect(logs[1]).to.deep.equal(logs[0]);
    expect(rejections.count(), 'unhandled rejections').to.equal(0);
  });

  const sides: Array<[string, () => Ends]> = [
    ['a NodeSocket client, node:net server', () => ({ server: rawApi(), client: compatApi('node', rt.reactor) })],
    ['a node:net client, NodeServer server', () => ({ server: compatApi('node', rt.reactor), client: rawApi() })],
    ['NodeSocket at both ends', () => ({ server: compatApi('node', rt.reactor), client: compatApi('node', rt.reactor) })],
  ];
  for (const [label, ends] of sides) {
    describe(label, () => {
      for (const name of NAMES) {
        it(`should give node:net's ${name}`, async () => {
          expect(await ALL[name as ScenarioName](ends())).to.deep.equal(EXPECTED[name]);
          expect(rejections.count(), 'unhandled rejections').to.equal(0);
        });
      }
      it('should emit drain once a peer that did not read reads again, with every byte delivered', async () => {
        const result = await drain(ends());
        expect(result.sawFalse, 'write() returned false').to.equal(true);
        expect(result.drained).to.equal(true);
        expect(result.received).to.equal(result.sent);
      });
    });
  }
});
