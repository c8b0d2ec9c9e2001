// The echo library on real and simulated networks: what goes out comes back, byte for byte.
import { expect } from 'chai';
import { Container } from 'inversify';
import type { Runtime } from '@runtime-traits/core';
import { runtimeModule } from '@runtime-traits/inversify';
import { LocalRuntime } from '@runtime-traits/local';
import { NodeRuntime } from '@runtime-traits/node';
import { EchoService } from '../src/lib/index.js';

const runtimes: Array<[string, () => Promise<Runtime>]> = [
  ['node', () => NodeRuntime.create()],
  ['local (simulated network)', () => LocalRuntime.create()],
];

for (const [name, create] of runtimes) {
  describe(`EchoService on the ${name} runtime`, function () {
    this.timeout(30_000);
    let runtime: Runtime;
    let container: Container;
    let echo: EchoService;

    beforeEach(async () => {
      runtime = await create();
      container = new Container();
      container.load(runtimeModule(runtime));
      container.bind(EchoService).toSelf();
      echo = container.get(EchoService);
    });

    afterEach(async () => { await container.unbindAllAsync(); });

    it('should send a message back unchanged', async () => {
      const reply = await runtime.run(async () => {
        const address = await echo.listen();
        const text = await echo.roundTrip(address, 'héllo, wörld');
        await echo.close();
        return text;
      });
      expect(reply).to.equal('héllo, wörld');
    });

    it('should serve several clients at once, each getting its own bytes', async () => {
      const replies = await runtime.run(async () => {
        const address = await echo.listen();
        const messages = Array.from({ length: 5 }, (_, i) => `client ${i}: ${'x'.repeat(100_000 * (i + 1))}`);
        const out = await Promise.all(messages.map((m) => echo.roundTrip(address, m)));
        await echo.close();
        return out.map((reply, i) => reply === messages[i]);
      });
      expect(replies).to.deep.equal([true, true, true, true, true]);
    });
  });
}
