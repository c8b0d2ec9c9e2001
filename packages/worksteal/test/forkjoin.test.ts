// Fork-join on the pool: rayon-style join and async spawn give the sequential answers, nested and in parallel.
import { expect } from 'chai';
import { WorkStealingRuntime } from '../src/index.js';
import { add, fibJoin, fibSeq, fibSpawn, sortArray, sortJoin, whereAmI } from './fixtures/tasks.js';
import { joinAndHold } from './fixtures/join-hold.js';
import { E } from '../src/memory/layout.js';
import type { Shared } from '../src/memory/shared.js';
import { PState } from '../src/threads/parker.js';
import type { ThreadHandle } from '../src/threads/thread-handle.js';

describe('WorkStealingRuntime fork-join', function () {
  this.timeout(60_000);
  let rt: WorkStealingRuntime;
  before(async () => { rt = await WorkStealingRuntime.create({ workers: 4, queueCapacity: 4 }); });
  after(() => rt.shutdown());

  it('computes fib(27) with nested joins (cutoff 12) exactly as the sequential code does', async () => {
    expect(await rt.executor.spawn(fibJoin, [27, 12])).to.equal(fibSeq(27));
  });

  it('computes fib(24) with nested async spawns exactly as the sequential code does', async () => {
    expect(await rt.executor.spawn(fibSpawn, [24, 10])).to.equal(fibSeq(24));
  });

  it('spreads a deep join over several workers (steals happen)', async () => {
    // One run can end before a descheduled second worker wakes on a busy 2-core machine (seen once):
    // up to five runs, and a pool that never steals still fails.
    const before = rt.metrics().steals as number;
    for (let run = 0; run < 5 && (rt.metrics().steals as number) === before; run++) {
      expect(await rt.executor.spawn(fibJoin, [30, 14])).to.equal(fibSeq(30));
    }
    expect(rt.metrics().steals as number).to.be.greaterThan(before);
  });

  it('merge-sorts 200k numbers in a SharedArrayBuffer with join, matching Array#sort', async () => {
    const n = 200_000;
    const data = new SharedArrayBuffer(n * 8);
    const values = new Float64Array(data);
    for (let i = 0; i < n; i++) values[i] = Math.sin(i * 7919) * 1e6;
    const expected = Float64Array.from(values).sort();
    expect(await rt.executor.spawn(sortJoin, [data, new SharedArrayBuffer(n * 8), 0, n])).to.equal(n);
    expect(Array.from(values)).to.deep.equal(Array.from(expected));
  });

  it('merge-sorts an array passed by value with join, matching Array#sort', async () => {
    const values = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5003);
    const sorted = await rt.executor.spawn(sortArray, [values]);
    expect(sorted).to.deep.equal(values.slice().sort((x, y) => x - y));
  });

  it('joins from the main thread: a runs here, b in the pool or here', () => {
    const [a, b] = rt.executor.join(add, [1, 2], fibJoin, [20, 8]);
    expect([a, b]).to.deep.equal([3, fibSeq(20)]);
  });

  it('runs join\'s a on the calling thread', () => {
    const [here] = rt.executor.join(whereAmI, [], add, [1, 1]);
    expect(here).to.equal(0);
  });

  it('keeps a worker that runs a just-loaded def awake: ACTIVE while it joins, so it cannot swallow the wakes meant for others', async () => {
    // The first task of a module a worker runs starts from the module-load promise, after the
    // worker may already have parked; running task code while marked parked let its own joins'
    // notifyWork "wake" itself and hold the searcher count, and no other worker was ever woken.
    const fresh = await WorkStealingRuntime.create({ workers: 2 });
    try {
      const sab = new SharedArrayBuffer(12);
      const words = new Int32Array(sab);
      const done = fresh.executor.spawn(joinAndHold, [sab]);
      while (Atomics.load(words, 0) === 0) await new Promise((r) => setTimeout(r, 5));
      const internals = fresh as unknown as { shared: Shared; pool: { threads: Array<ThreadHandle | undefined> } };
      const runner = internals.pool.threads.findIndex((t) => t?.worker.threadId === Atomics.load(words, 1));
      const pstate = Atomics.load(internals.shared.control, internals.shared.layout.endpointBase(runner) + E.PSTATE);
      Atomics.store(words, 2, 1);
      Atomics.notify(words, 2);
      expect(runner, 'the endpoint running a').to.be.greaterThan(0);
      expect(pstate, 'park state of the worker running a').to.equal(PState.ACTIVE);
      expect(await done).to.equal(Atomics.load(words, 1));
    } finally {
      await fresh.shutdown();
    }
  });
});
