// join whose b returns a result too big for its slot: the result comes by message, to a joiner on the main thread or on a worker.
import { expect } from 'chai';
import { threadId } from 'node:worker_threads';
import { WorkStealingRuntime } from '../src/index.js';
import { bigFrom, joinBigInside, spinFor } from './fixtures/tasks.js';

describe('WorkStealingRuntime join with a big b', function () {
  this.timeout(60_000);
  let rt: WorkStealingRuntime;
  before(async () => { rt = await WorkStealingRuntime.create({ workers: 2 }); });
  after(() => rt.shutdown());

  it('gives the main thread b\'s 100 kB result from the worker that ran it', () => {
    // a spins long enough for a worker to take b from the injector first (tried a few times: a busy machine may not).
    for (let attempt = 0; attempt < 5; attempt++) {
      const [a, [big, b]] = rt.executor.join(spinFor, [50 * (attempt + 1)], bigFrom, [100_000]);
      expect(a).to.equal(threadId);
      expect(big.length).to.equal(100_000);
      if (b !== threadId) return;
    }
    expect.fail('b never ran on a worker in five joins');
  });

  it('gives a worker b\'s 100 kB result when another worker stole b (forwarded by the main thread)', async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const [a, b, size] = await rt.executor.spawn(joinBigInside, [50 * (attempt + 1), 100_000]);
      expect(size).to.equal(100_000);
      if (a !== b) return;
    }
    expect.fail('b was never stolen in five joins');
  });
});
