// A library wired through inversify onto the real node runtime: it runs, then unbinding shuts the runtime down.
import { expect } from 'chai';
import { Container, inject, injectable } from 'inversify';
import { EXECUTOR, NET, RUNTIME, RuntimeShutdownError } from '@runtime-traits/core';
import type { Executor, Net } from '@runtime-traits/core';
import { NodeRuntime } from '@runtime-traits/node';
import { loadRuntime, runtimeModule } from '../src/index.js';

/** What a library author writes: it asks for an executor and a network, never for a runtime. */
@injectable()
class PingPong {
  constructor(
    @inject(EXECUTOR) readonly executor: Executor,
    @inject(NET) readonly net: Net,
  ) {}

  /** A task that answers one connection, and a client that talks to it. */
  async roundTrip(message: string): Promise<string> {
    const listener = await this.net.listen({ port: 0 });
    const server = this.executor.spawnLocal(async () => {
      const conn = await listener.accept();
      const data = await conn!.read();
      await conn!.write(`pong:${new TextDecoder().decode(data!)}`);
      await conn!.close();
    });
    const conn = await this.net.connect(listener.address);
    await conn.write(message);
    let reply = '';
    for await (const chunk of conn) reply += new TextDecoder().decode(chunk);
    await server;
    await conn.close();
    await listener.close();
    return reply;
  }

  async double(n: number): Promise<number> {
    return await this.executor.spawnLocal(() => n * 2);
  }
}

function wire(runtime: NodeRuntime) {
  const container = new Container();
  const module = runtimeModule(runtime);
  container.load(module);
  container.bind(PingPong).toSelf();
  return { container, module, library: container.get(PingPong) };
}

describe('a library wired by runtimeModule onto the node runtime', function () {
  this.timeout(20_000);

  it('should receive the runtime\'s own executor and net', async () => {
    const runtime = await NodeRuntime.create();
    const { container, library } = wire(runtime);
    expect(library.executor).to.equal(runtime.executor);
    expect(library.net).to.equal(runtime.reactor.net);
    expect(container.get(RUNTIME)).to.equal(runtime);
    await runtime.shutdown();
  });

  describe('when it spawns a task and does a TCP round trip', () => {
    it('should get the real results', async () => {
      const runtime = await NodeRuntime.create();
      const { container, library } = wire(runtime);
      expect(await library.double(21)).to.equal(42);
      expect(await library.roundTrip('ping')).to.equal('pong:ping');
      await container.unbindAsync(RUNTIME);
    });
  });

  describe('when RUNTIME is unbound with unbindAsync', () => {
    it('should shut the runtime down: spawn then throws RuntimeShutdownError', async () => {
      const runtime = await NodeRuntime.create();
      const { container, library } = wire(runtime);
      expect(await library.roundTrip('before')).to.equal('pong:before');
      await container.unbindAsync(RUNTIME);
      expect(() => library.executor.spawnLocal(() => 1)).to.throw(RuntimeShutdownError);
      const error = await library.net.listen({ port: 0 }).then(() => null, (e: unknown) => e);
      expect(RuntimeShutdownError.is(error)).to.equal(true);
    });

    it('should cancel a task still running at that moment', async () => {
      const runtime = await NodeRuntime.create();
      const { container, library } = wire(runtime);
      const forever = library.executor.spawnLocal((cx) => new Promise((_, reject) => {
        cx.signal.addEventListener('abort', () => reject(cx.signal.reason));
      }));
      await container.unbindAsync(RUNTIME);
      const error = await Promise.resolve(forever).then(() => null, (e: unknown) => e as Error);
      expect(error?.name).to.equal('AbortError');
    });
  });

  describe('when the module is unloaded with unloadAsync', () => {
    it('should shut the runtime down and unbind every token', async () => {
      const runtime = await NodeRuntime.create();
      const { container, module, library } = wire(runtime);
      expect(await library.double(2)).to.equal(4);
      await container.unloadAsync(module);
      expect(() => runtime.executor.spawnLocal(() => 1)).to.throw(RuntimeShutdownError);
      expect(container.isBound(EXECUTOR)).to.equal(false);
      expect(container.isBound(NET)).to.equal(false);
    });
  });
});

describe('loadRuntime(\'node\')', function () {
  this.timeout(20_000);

  it('should import @runtime-traits/node and return a started NodeRuntime', async () => {
    const runtime = await loadRuntime('node');
    expect(runtime).to.be.instanceOf(NodeRuntime);
    expect(runtime.name).to.equal('node');
    expect(await runtime.run(() => 'ran')).to.equal('ran');
    await runtime.shutdown();
  });
});
