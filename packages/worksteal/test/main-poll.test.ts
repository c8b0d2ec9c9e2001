// The main thread polls for completions instead of sleeping while they keep coming (threads/main-thread.ts,
// step 5): its event loop must keep turning meanwhile, and a long task must not keep it spinning.
import { expect } from 'chai';
import { WorkStealingRuntime } from '../src/index.js';
import { addOne, bigFrom, blockFor } from './fixtures/tasks.js';

describe('WorkStealingRuntime main thread polling', function () {
  this.timeout(30_000);
  let rt: WorkStealingRuntime;
  before(async () => { rt = await WorkStealingRuntime.create({ workers: 2 }); });
  after(() => rt.shutdown());

  it('lets timers and immediates run while a chain of round trips runs without a pause', async () => {
    // One task in flight, the next spawned from the last one's `then`, for 600 ms: a poller that
    // drained and spun inside microtasks would never let the loop reach its timers (one gap of 600 ms).
    // The bounds leave room for a loaded machine that deschedules the process for a while.
    let ticks = 0;
    let last = performance.now();
    let longestGap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
      ticks++;
    }, 2);
    let immediates = 0;
    const countImmediates = (): void => {
      immediates++;
      if (!stop) setImmediate(countImmediates);
    };
    let stop = false;
    setImmediate(countImmediates);
    let rounds = 0;
    const until = performance.now() + 600;
    try {
      while (performance.now() < until) {
        const x = await rt.executor.spawn(addOne, [rounds]);
        expect(x).to.equal(rounds + 1);
        rounds++;
      }
    } finally {
      stop = true;
      clearInterval(timer);
    }
    expect(rounds, 'round trips').to.be.greaterThan(100);
    expect(ticks, 'interval ticks in 600 ms').to.be.greaterThan(10);
    expect(longestGap, 'longest gap between interval ticks (ms)').to.be.lessThan(300);
    expect(immediates, 'immediates in 600 ms').to.be.greaterThan(20);
  });

  it('spends little of the main thread while one long task is in flight', async () => {
    // The worker blocks in Atomics.wait (no CPU) for 600 ms: what the process uses meanwhile is the
    // main thread's polling. Spinning for the whole wait would use ~600 ms of CPU.
    await rt.executor.spawn(blockFor, [1]); // (the def is verified and loaded)
    const before = process.cpuUsage();
    const t0 = performance.now();
    await rt.executor.spawn(blockFor, [600]);
    const wall = performance.now() - t0;
    const used = process.cpuUsage(before);
    const cpuMs = (used.user + used.system) / 1000;
    expect(wall).to.be.at.least(590);
    expect(cpuMs, 'CPU ms used while the task blocked for 600 ms').to.be.lessThan(150);
  });

  it('still sleeps and wakes for tasks that finish one by one far apart', async () => {
    // After a poll finds nothing the main thread sleeps (waitAsync); each completion must still wake it.
    for (let round = 0; round < 3; round++) {
      const started = performance.now();
      const all = [100, 300].map((ms) => rt.executor.spawn(blockFor, [ms]));
      const order: number[] = [];
      await Promise.all(all.map((t, i) => t.then(() => order.push(i))));
      expect(order).to.deep.equal([0, 1]);
      expect(performance.now() - started).to.be.at.least(290);
      await new Promise((resolve) => setTimeout(resolve, 50)); // nothing in flight: the main thread stops polling
    }
  });

  it('moves the backlog on when a big result\'s message frees a slot while the main thread sleeps', async () => {
    // More tasks than main slots, each with a result too big for its slot (it comes by message after its
    // ring entry): the message's arrival frees the slot, and nothing else would ever wake the main
    // thread to resubmit what waits in the backlog.
    const small = await WorkStealingRuntime.create({ workers: 2, mainSlots: 4 });
    try {
      for (let round = 0; round < 300; round++) {
        const tasks = Array.from({ length: 20 }, () => small.executor.spawn(bigFrom, [1000]));
        let timer: NodeJS.Timeout | undefined;
        const stalled = new Promise<string>((resolve) => { timer = setTimeout(() => resolve('stalled'), 3000); });
        const outcome = await Promise.race([Promise.all(tasks).then((results) => results.every(([text]) => text.length === 1000) ? 'all' : 'wrong'), stalled]);
        clearTimeout(timer);
        expect(outcome, `round ${round}`).to.equal('all');
      }
    } finally {
      await small.shutdown();
    }
  });
});

