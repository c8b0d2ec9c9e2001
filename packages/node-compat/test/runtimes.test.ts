// The same scenarios, with the same expected values, over every other runtime's Net: local driving a NodeReactor,
// a worksteal worker's own reactor, and the local Simulation's simulated network.
import { expect } from 'chai';
import type net from 'node:net';
import { LocalRuntime } from '@runtime-traits/local';
import { NodeReactor } from '@runtime-traits/node';
import { WorkStealingRuntime } from '@runtime-traits/worksteal';
import { compatApi, rawApi } from './fixtures/net-api.js';
import { ALL, drain, type ScenarioName } from './fixtures/scenarios.js';
import type { Ends } from './fixtures/net-api.js';
import { EXPECTED } from './fixtures/expected.js';
import { scenarioInWorker } from './fixtures/worker-scenarios.js';
import { trace } from './fixtures/trace.js';
import { watchRejections } from './helpers/rejections.js';
import { simPair } from './helpers/sim.js';

const NAMES = Object.keys(EXPECTED) as Array<keyof typeof EXPECTED>;
const scenario = (name: ScenarioName): ((e: Ends) => Promise<unknown>) => ALL[name];

describe('NodeSocket over every runtime', () => {
  const rejections = watchRejections();
  afterEach(() => expect(rejections.count(), 'unhandled rejections').to.equal(0));

  describe('local, driving a foreign NodeReactor', () => {
    let reactor: NodeReactor;
    let rt: LocalRuntime;
    before(async () => {
      reactor = new NodeReactor();
      rt = await LocalRuntime.create({ reactor });
    });
    after(async () => {
      await rt.shutdown();
      await reactor.close();
    });
    for (const name of NAMES) {
      it(`should give node:net's ${name} (client and server side)`, async () => {
        const compat = compatApi('local', rt.reactor);
        expect(await rt.run(() => scenario(name)({ server: rawApi(), client: compat }))).to.deep.equal(EXPECTED[name]);
        expect(await rt.run(() => scenario(name)({ server: compat, client: rawApi() }))).to.deep.equal(EXPECTED[name]);
      });
    }
  });

  describe('inside a worksteal worker, on its own reactor', () => {
    let rt: WorkStealingRuntime;
    before(async () => { rt = await WorkStealingRuntime.create({ workers: 1 }); });
    after(() => rt.shutdown());
    for (const name of NAMES) {
      it(`should give node:net's ${name} (client and server side)`, async () => {
        expect(await rt.executor.spawn(scenarioInWorker, [name, 'client'])).to.deep.equal(EXPECTED[name]);
        expect(await rt.executor.spawn(scenarioInWorker, [name, 'server'])).to.deep.equal(EXPECTED[name]);
      });
    }
  });

  describe('on the simulated network (two hosts of a Simulation)', () => {
    for (const name of NAMES) {
      it(`should give node:net's ${name}`, async () => {
        const pair = simPair();
        const ends = { server: pair.api, client: pair.api };
        expect(await pair.run(() => scenario(name)(ends))).to.deep.equal(EXPECTED[name]);
        await pair.sim.shutdown();
      });
    }

    it('should emit drain once a peer that did not read reads again', async () => {
      const pair = simPair();
      const result = await pair.run(() => drain({ server: pair.api, client: pair.api }));
      expect(result).to.include({ sawFalse: true, drained: true });
      expect(result.received).to.equal(result.sent);
      await pair.sim.shutdown();
    });

    it('should report a crashed server as error ECONNRESET, then close(true)', async () => {
      const pair = simPair();
      const log = await pair.run(async () => {
        const server = pair.api.createServer({}, (s: net.Socket) => s.write('hello'));
        const port = await pair.api.listen(server);
        const client = pair.api.connect(port);
        const t = trace(client);
        await new Promise((resolve) => client.once('data', resolve));
        pair.sim.crash('server');
        return t.closed;
      });
      expect(log).to.deep.equal(['connect', 'ready', 'data:hello', 'error:ECONNRESET', 'close(true)']);
      await pair.sim.shutdown();
    });

    it('should replay the same trace from the same seed', async () => {
      const hashes: string[] = [];
      for (let i = 0; i < 2; i++) {
        const pair = simPair(99, { min: 1, max: 20 });
        await pair.run(() => ALL.clientEndsFirst({ server: pair.api, client: pair.api }));
        hashes.push(pair.sim.traceHash());
        await pair.sim.shutdown();
      }
      expect(hashes[0]).to.equal(hashes[1]);
    });
  });
});
