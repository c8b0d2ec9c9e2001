// NodeSocket emits what net.Socket emits, in the same order: every scenario on node:net itself and on node-compat over the node runtime (either end).
import { expect } from 'chai';
import { NodeRuntime } from '@runtime-traits/node';
import { compatApi, rawApi, type Ends } from './fixtures/net-api.js';
import { ALL, drain, type ScenarioName } from './fixtures/scenarios.js';
import { EXPECTED } from './fixtures/expected.js';
import { watchRejections } from './helpers/rejections.js';

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
