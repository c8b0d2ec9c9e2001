// DI across the three runtimes: the same library class, wired by runtimeModule/loadRuntime, works and is shut down.
import { expect } from 'chai';
import { Container, inject, injectable } from 'inversify';
import { CLOCK, EXECUTOR, NET, RUNTIME, RuntimeShutdownError } from '@runtime-traits/core';
import type { Clock, Executor, Net } from '@runtime-traits/core';
import { loadRuntime, runtimeModule, RUNTIME_NAMES } from '@runtime-traits/inversify';

/** A library that knows only the interfaces. */
@injectable()
class Worker {
  constructor(
    @inject(EXECUTOR) readonly executor: Executor,
    @inject(CLOCK) readonly clock: Clock,
    @inject(NET) readonly net: Net,
  ) {}

  /** A task, a sleep measured on the runtime's clock, and a TCP round trip through the runtime's net. */
  async exercise(): Promise<{ task: number; slept: number; echoed: string }> {
    const task = await this.executor.spawnLocal(() => 6 * 7);
    const before = this.clock.now();
    await this.clock.sleep(25);
    const slept = this.clock.now() - before;
    const listener = await this.net.listen({ port: 0 });
    const server = this.executor.spawnLocal(async () => {
      const conn = await listener.accept();
      for await (const chunk of conn!) await conn!.write(chunk);
      await conn!.close();
    });
    const conn = await this.net.connect(listener.address);
    await conn.write('round trip');
    await conn.closeWrite();
    let echoed = '';
    for await (const chunk of conn) echoed += new TextDecoder().decode(chunk);
    await conn.close();
    await server;
    await listener.close();
    return { task, slept, echoed };
  }
}

for (const name of RUNTIME_NAMES) {
  describe(`a library wired by inversify onto the ${name} runtime`, function () {
    this.timeout(30_000);

    it('should run a task, a sleep and a TCP round trip, then be shut down by unbindAsync(RUNTIME)', async () => {
      const runtime = await loadRuntime(name);
      expect(runtime.name).to.equal(name);
      const container = new Container();
      container.load(runtimeModule(runtime));
      container.bind(Worker).toSelf();
      const worker = container.get(Worker);
      const result = await runtime.run(() => worker.exercise());
      expect(result.task).to.equal(42);
      expect(result.slept).to.be.at.least(25);
      expect(result.echoed).to.equal('round trip');
      await container.unbindAsync(RUNTIME);
      expect(() => worker.executor.spawnLocal(() => 1)).to.throw(RuntimeShutdownError);
    });

    it('should be shut down by unloading its module', async () => {
      const runtime = await loadRuntime(name);
      const container = new Container();
      const module = runtimeModule(runtime);
      container.load(module);
      container.bind(Worker).toSelf();
      const worker = container.get(Worker);
      await container.unloadAsync(module);
      expect(() => worker.executor.spawnLocal(() => 1)).to.throw(RuntimeShutdownError);
      const error = await worker.clock.sleep(1).then(() => null, (e: unknown) => e);
      expect(RuntimeShutdownError.is(error)).to.equal(true);
    });
  });
}
