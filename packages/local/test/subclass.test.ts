// LocalRuntime.create() called on a subclass makes the subclass, whose name getter wins (as NodeRuntime's does).
import { expect } from 'chai';
import { LocalRuntime } from '../src/index.js';

describe('LocalRuntime.create() on a subclass', () => {
  it('should make an instance of the subclass, named by its getter, that bodies see as cx.runtime', async () => {
    class AcmeLocal extends LocalRuntime {
      override get name(): string { return 'acme-local'; }
    }
    const rt = await AcmeLocal.create({ seed: 3 });
    try {
      expect(rt, 'AcmeLocal.create() result').to.be.instanceOf(AcmeLocal);
      expect(rt.name).to.equal('acme-local');
      expect(await rt.run((cx) => cx.runtime)).to.equal(rt);
    } finally {
      await rt.shutdown();
    }
  });
});
