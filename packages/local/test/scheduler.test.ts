// The deterministic scheduler: seeded order for tasks woken together, never-synchronous starts, deadlock detection.
import { DeadlockError, type Task } from '@runtime-traits/core';
import { expect } from 'chai';
import { LocalRuntime } from '../src/index.js';

/** Ten tasks all waking at t=10: the order in which they log. */
async function wakeOrder(seed: number): Promise<number[]> {
  const rt = await LocalRuntime.create({ seed });
  try {
    return await rt.run(async (cx) => {
      const order: number[] = [];
      const { executor, reactor } = cx.runtime;
      const tasks: Task<void>[] = [];
      for (let i = 0; i < 10; i++) tasks.push(executor.spawnLocal(async () => { await reactor.clock.sleep(10); order.push(i); }));
      for (const task of tasks) await task;
      return order;
    });
  } finally {
    await rt.shutdown();
  }
}

describe('LocalRuntime scheduler', () => {
  it('runs tasks woken at the same instant in an order fixed by the seed', async () => {
    expect(await wakeOrder(42)).to.deep.equal(await wakeOrder(42));
  });

  it('explores other orders under other seeds', async () => {
    const orders = new Set<string>();
    for (let seed = 1; seed <= 8; seed++) orders.add(JSON.stringify(await wakeOrder(seed)));
    expect(orders.size).to.be.greaterThan(4);
  });

  it('never runs a spawned body inside the spawn call', async () => {
    const rt = await LocalRuntime.create();
    try {
      await rt.run(async (cx) => {
        let ran = false;
        const task = cx.runtime.executor.spawnLocal(() => { ran = true; });
        expect(ran).to.equal(false);
        await task;
        expect(ran).to.equal(true);
      });
    } finally {
      await rt.shutdown();
    }
  });

  it('lets every other ready task run before yieldNow() returns', async () => {
    const rt = await LocalRuntime.create({ seed: 3 });
    try {
      const log = await rt.run(async (cx) => {
        const out: string[] = [];
        const { executor } = cx.runtime;
        const others = [1, 2, 3].map((n) => executor.spawnLocal(() => { out.push(`task ${n}`); }));
        await executor.yieldNow();
        out.push('after yield');
        await Promise.all(others);
        return out;
      });
      expect(log.at(-1)).to.equal('after yield');
    } finally {
      await rt.shutdown();
    }
  });

  describe('promise-job turns', () => {
    /** A trace of spawns, yields and sleeps mixed, under `seed`. */
    async function mixedTrace(seed: number): Promise<string[]> {
      const rt = await LocalRuntime.create({ seed, trace: true });
      try {
        await rt.run(async (cx) => {
          const { executor, reactor } = cx.runtime;
          const all = [];
          for (let i = 0; i < 20; i++) {
            all.push(executor.spawnLocal(async () => {
              for (let k = 0; k < 5; k++) {
                if ((i + k) % 3 === 0) await reactor.clock.sleep(1 + (i % 4));
                else if ((i + k) % 3 === 1) await executor.yieldNow();
                else await executor.spawnLocal(() => i * k, { name: `leaf ${i}.${k}` });
              }
            }, { name: `worker ${i}` }));
          }
          await Promise.all(all);
        });
        return rt.trace();
      } finally {
        await rt.shutdown();
      }
    }

    it('runs a chain of spawns and yields that never waits on time without a host macrotask per turn', async () => {
      const rt = await LocalRuntime.create();
      try {
        let macrotaskRan = false;
        const outcome = await rt.run(async (cx) => {
          const { executor } = cx.runtime;
          setImmediate(() => { macrotaskRan = true; });
          let total = 0;
          for (let i = 0; i < 1_000; i++) {
            total += await executor.spawnLocal(() => i);
            if (i % 100 === 0) await executor.yieldNow();
          }
          return { total, macrotaskRan };
        });
        expect(outcome).to.deep.equal({ total: 499_500, macrotaskRan: false });
      } finally {
        await rt.shutdown();
      }
    });

    it('never starves the host: a task that yields for ever still lets a host macrotask run', async () => {
      const rt = await LocalRuntime.create();
      try {
        let stop = false;
        setImmediate(() => { stop = true; });
        const yields = await rt.run(async (cx) => {
          let count = 0;
          while (!stop) { await cx.runtime.executor.yieldNow(); count++; }
          return count;
        });
        expect(yields).to.be.greaterThan(0);
      } finally {
        await rt.shutdown();
      }
    });

    it('gives the same trace for the same seed, and another for another seed', async () => {
      const first = await mixedTrace(7);
      expect(first.length).to.be.greaterThan(100);
      expect(await mixedTrace(7)).to.deep.equal(first);
      expect(await mixedTrace(8)).to.not.deep.equal(first);
    });
  });

  describe('deadlock detection', () => {
    it('rejects run() with DeadlockError naming the stuck tasks by their spawn names', async () => {
      const rt = await LocalRuntime.create();
      try {
        const error = await rt.run(async (cx) => {
          const { executor, reactor } = cx.runtime;
          const listener = await reactor.net.listen({ port: 0 });
          const acceptor = executor.spawnLocal(() => listener.accept(), { name: 'acceptor' });
          const waiter = executor.spawnLocal(() => acceptor, { name: 'waiter' });
          await waiter;
        }).catch((e: unknown) => e);
        expect(DeadlockError.is(error)).to.equal(true);
        expect((error as DeadlockError).tasks).to.deep.equal(['main', 'acceptor', 'waiter']);
        expect((error as Error).message).to.match(/acceptor/).and.to.match(/waiter/);
      } finally {
        await rt.shutdown();
      }
    });

    it('is not declared while a timer is pending, however far away', async () => {
      const rt = await LocalRuntime.create();
      try {
        expect(await rt.run(async (cx) => { await cx.runtime.reactor.clock.sleep(86_400_000); return 'woke'; })).to.equal('woke');
      } finally {
        await rt.shutdown();
      }
    });

    it('waits for a foreign promise that settles within the same turn (after the microtask queue drains)', async () => {
      const rt = await LocalRuntime.create();
      try {
        const value = await rt.run(async () => {
          let chain: Promise<number> = Promise.resolve(0);
          for (let i = 0; i < 1000; i++) chain = chain.then((n) => n + 1);
          return chain;
        });
        expect(value).to.equal(1000);
      } finally {
        await rt.shutdown();
      }
    });
  });
});
