// runtimeModule: every token bound to the right part, and unbinding the runtime shuts it down.
import { expect } from 'chai';
import { Container } from 'inversify';
import { CLOCK, EXECUTOR, NET, REACTOR, RUNTIME } from '@runtime-traits/core';
import { runtimeModule } from '../src/index.js';
import { stubRuntime } from './stub-runtime.js';

describe('runtimeModule(runtime)', () => {
  describe('when loaded into a container', () => {
    it('should bind RUNTIME, EXECUTOR, REACTOR, CLOCK and NET to the runtime and its parts', () => {
      const runtime = stubRuntime();
      const container = new Container();
      container.load(runtimeModule(runtime));
      expect(container.get(RUNTIME)).to.equal(runtime);
      expect(container.get(EXECUTOR)).to.equal(runtime.executor);
      expect(container.get(REACTOR)).to.equal(runtime.reactor);
      expect(container.get(CLOCK)).to.equal(runtime.reactor.clock);
      expect(container.get(NET)).to.equal(runtime.reactor.net);
    });

    it('should give the same instances on every resolution (singletons)', () => {
      const container = new Container();
      container.load(runtimeModule(stubRuntime()));
      expect(container.get(EXECUTOR)).to.equal(container.get(EXECUTOR));
      expect(container.get(NET)).to.equal(container.get(NET));
    });
  });

  describe('when the module is unloaded', () => {
    it('should shut the runtime down once, even if only EXECUTOR was resolved', async () => {
      const runtime = stubRuntime();
      const container = new Container();
      const module = runtimeModule(runtime);
      container.load(module);
      container.get(EXECUTOR);
      await container.unloadAsync(module);
      expect(runtime.shutdowns).to.equal(1);
      expect(container.isBound(RUNTIME)).to.equal(false);
      expect(container.isBound(EXECUTOR)).to.equal(false);
    });
  });

  describe('when unloaded with the synchronous forms (which inversify refuses for async deactivations)', () => {
    it('should throw, as the README says; inversify has already run the deactivation, so the runtime is shut down', () => {
      const runtime = stubRuntime();
      const container = new Container();
      const module = runtimeModule(runtime);
      container.load(module);
      container.get(RUNTIME);
      expect(() => container.unload(module)).to.throw(/asynchronous/);
      expect(runtime.shutdowns, 'what the README warns of').to.equal(1);
    });
  });

  describe('when RUNTIME is unbound', () => {
    it('should shut the runtime down and wait for it', async () => {
      const runtime = stubRuntime();
      const container = new Container();
      container.load(runtimeModule(runtime));
      container.get(NET);
      await container.unbindAsync(RUNTIME);
      expect(runtime.shutdowns).to.equal(1);
    });
  });

  describe('when the container holds two runtimes in two modules', () => {
    it('should shut down only the one whose module is unloaded', async () => {
      const first = stubRuntime('first');
      const second = stubRuntime('second');
      const a = new Container();
      const b = new Container();
      const moduleA = runtimeModule(first);
      a.load(moduleA);
      b.load(runtimeModule(second));
      a.get(RUNTIME);
      b.get(RUNTIME);
      await a.unloadAsync(moduleA);
      expect([first.shutdowns, second.shutdowns]).to.deep.equal([1, 0]);
    });
  });

  describe('having a bad argument', () => {
    for (const bad of [undefined, null, 42, {}, { executor: {}, reactor: {} }]) {
      it(`should throw a TypeError naming runtime for ${JSON.stringify(bad) ?? 'undefined'}`, () => {
        expect(() => runtimeModule(bad as never)).to.throw(TypeError, /runtime must be a Runtime/);
      });
    }
    it('should refuse a runtime whose executor or reactor is null (resolving CLOCK would throw from inside inversify)', () => {
      expect(() => runtimeModule({ executor: null, reactor: null, shutdown() {} } as never))
        .to.throw(TypeError, /runtime must be a Runtime .*got an object without executor, reactor$/);
    });
    it('should name a class passed instead of an instance, not print its source', () => {
      class SomeRuntime { shutdown(): void {} }
      expect(() => runtimeModule(SomeRuntime as never)).to.throw(TypeError, /got function SomeRuntime$/);
    });
    it('should refuse a revoked proxy with a TypeError naming runtime', () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      expect(() => runtimeModule(proxy as never)).to.throw(TypeError, /^runtime could not be read/);
    });
  });
});
