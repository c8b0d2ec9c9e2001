// LocalRuntime.create({ reactor }): the single-threaded executor driving another runtime's real IO (Node's here).
// The package itself never imports Node; only this test does, and only when @runtime-traits/node is built.
import { RuntimeShutdownError, type Reactor } from '@runtime-traits/core';
import { expect } from 'chai';
import { LocalRuntime } from '../src/index.js';

type NodeModule = { NodeReactor: new () => Reactor & { close(): Promise<void> } };

async function loadNode(): Promise<NodeModule | undefined> {
  const name = '@runtime-traits/node';
  try {
    return await import(name) as NodeModule;
  } catch {
    return undefined;
  }
}

describe('LocalRuntime over a foreign reactor (NodeReactor)', () => {
  let node: NodeModule | undefined;
  before(async function () {
    node = await loadNode();
    if (!node) this.skip(); // capability reason: the node package is not built in this checkout
  });

  it('echoes over real loopback TCP from tasks on the local executor, in real time', async () => {
    const reactor = new node!.NodeReactor();
    const rt = await LocalRuntime.create({ reactor });
    try {
      expect(rt.capabilities.has('time.virtual')).to.equal(false);
      expect(rt.capabilities.has('net.simulated')).to.equal(false);
      const echoed = await rt.run(async (cx) => {
        const { executor, reactor: r } = cx.runtime;
        const listener = await r.net.listen({ port: 0 });
        executor.spawnLocal(async () => {
          const conn = (await listener.accept())!;
          for await (const chunk of conn) await conn.write(chunk);
          await conn.close();
        }, { name: 'echo' });
        const conn = await r.net.connect(listener.address);
        await conn.write('over node');
        await conn.closeWrite();
        let out = '';
        for await (const chunk of conn) out += new TextDecoder().decode(chunk);
        await listener.close();
        return out;
      });
      expect(echoed).to.equal('over node');
    } finally {
      await rt.shutdown();
      await reactor.close();
    }
  });

  it('closes what it opened on shutdown and refuses reactor calls afterwards', async () => {
    const reactor = new node!.NodeReactor();
    const rt = await LocalRuntime.create({ reactor });
    try {
      const listener = await rt.reactor.net.listen({ port: 0 });
      const pending = listener.accept();
      const sleeping = rt.reactor.clock.sleep(60_000).catch((e: unknown) => e);
      await rt.shutdown();
      expect(await pending).to.equal(null);
      expect(RuntimeShutdownError.is(await sleeping)).to.equal(true);
      const after = await rt.reactor.net.lookup('localhost').catch((e: unknown) => e);
      expect(RuntimeShutdownError.is(after)).to.equal(true);
    } finally {
      await reactor.close();
    }
  });
});

describe('LocalRuntime.create option checks (reactorCapabilities, trace)', () => {
  const refusal = (opts: unknown): Promise<unknown> => LocalRuntime.create(opts as never).then(async (rt) => { await rt.shutdown(); return undefined; }, (e: unknown) => e);

  it('should refuse reactorCapabilities that are not an iterable of capability names, naming the option', async () => {
    // Were: 5 → "… is not iterable" from inside create(); 'net.tcp' → the capabilities n, e, t…; 'bogus' kept.
    for (const bad of [5, 'net.tcp', ['net.tcp', 'bogus'], {}]) {
      const error = await refusal({ reactorCapabilities: bad });
      expect(error, String(bad)).to.be.instanceOf(TypeError);
      expect((error as Error).message).to.match(/^opts\.reactorCapabilities/);
    }
  });

  it('should refuse a trace option that is not a boolean, naming it', async () => {
    // Was: trace: 'false' kept the whole event log (a truthy string).
    const error = await refusal({ trace: 'false' });
    expect(error).to.be.instanceOf(TypeError);
    expect((error as Error).message).to.match(/^opts\.trace must be a boolean/);
  });
});
