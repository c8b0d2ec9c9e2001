// A Runtime-shaped stand-in that records shutdown(), for wiring tests that need no real IO.
import { RuntimeShutdownError } from '@runtime-traits/core';
import type { Executor, Reactor, Runtime } from '@runtime-traits/core';

export interface StubRuntime extends Runtime {
  readonly shutdowns: number;
}

export function stubRuntime(name = 'stub'): StubRuntime {
  let shutdowns = 0;
  const executor = {
    spawnLocal() {
      if (shutdowns > 0) throw new RuntimeShutdownError();
      return undefined;
    },
  } as unknown as Executor;
  const reactor = { clock: { now: () => 0 }, net: { lookup: async () => [] } } as unknown as Reactor;
  return {
    name,
    executor,
    reactor,
    capabilities: new Set(),
    get shutdowns() { return shutdowns; },
    async run() { throw new Error('not used'); },
    async shutdown() { shutdowns += 1; },
    metrics: () => ({ spawned: 0, completed: 0, failed: 0, cancelled: 0, active: 0, queueDepth: 0 }),
    async [Symbol.asyncDispose]() { shutdowns += 1; },
  } as StubRuntime;
}
