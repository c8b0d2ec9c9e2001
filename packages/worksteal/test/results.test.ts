// What crosses back from a worker: errors whole (message, stack, thrown values), and results that would not arrive as themselves refused.
import { expect } from 'chai';
import { WorkStealingRuntime } from '../src/index.js';
import { returnPoint, throwLong, throwObject } from './fixtures/tasks.js';

describe('WorkStealingRuntime results and errors across threads', function () {
  this.timeout(30_000);
  let rt: WorkStealingRuntime;
  before(async () => { rt = await WorkStealingRuntime.create({ workers: 1, blockingThreads: 1 }); });
  after(() => rt.shutdown());

  const failure = (task: PromiseLike<unknown>): Promise<unknown> => Promise.resolve(task).then(() => 'resolved', (error: unknown) => error);

  it('rejects with the whole error a task threw, however long its message, with the stack from the worker', async () => {
    for (const n of [10, 300, 5000]) {
      for (const spawn of [rt.executor.spawn.bind(rt.executor), rt.executor.spawnBlocking.bind(rt.executor)]) {
        const error = await failure(spawn(throwLong, [n])) as Error;
        expect(error).to.be.instanceOf(RangeError);
        expect(error.message).to.have.length(n + 4);
        expect(error.message.endsWith('|END')).to.equal(true);
        expect(error.stack, 'the stack where it was thrown').to.contain('fixtures/tasks.js');
      }
    }
  });

  it('rejects with a thrown non-error as it was thrown, even a large one', async () => {
    for (const n of [10, 1000]) {
      expect(await failure(rt.executor.spawn(throwObject, [n]))).to.deep.equal({ code: 'BIG', detail: 'd'.repeat(n) });
    }
  });

  it('fails a result that would arrive as a plain object (a class instance) with a TypeError naming it, as its arguments would', async () => {
    for (const nested of [false, true]) {
      const error = await failure(rt.executor.spawn(returnPoint, [nested])) as Error;
      expect(error).to.be.instanceOf(TypeError);
      expect(error.message).to.match(/^the task's result(\[1\])? cannot be sent to another thread: an instance of Point would arrive as a plain object/);
    }
  });
});
