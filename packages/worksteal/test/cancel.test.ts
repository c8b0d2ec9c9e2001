// Cancelling pool tasks: a queued one never runs its body; a running one sees cx.signal abort.
import { expect } from 'chai';
import { CancelledError, TimeoutError } from '@runtime-traits/core';
import { WorkStealingRuntime } from '../src/index.js';
import { mark, markThenHold, recordAbortReason, untilAborted } from './fixtures/tasks.js';

describe('WorkStealingRuntime cancel', function () {
  this.timeout(30_000);
  let rt: WorkStealingRuntime;
  beforeEach(async () => { rt = await WorkStealingRuntime.create({ workers: 1 }); });
  afterEach(() => rt.shutdown());

  it('removes a queued task without running it', async () => {
    const counts = new SharedArrayBuffer(8);
    const gate = new SharedArrayBuffer(4);
    const busy = rt.executor.spawn(markThenHold, [counts, 0, gate]); // occupies the only worker
    while (Atomics.load(new Int32Array(counts), 0) === 0) await new Promise((r) => setTimeout(r, 1));
    const queued = rt.executor.spawn(mark, [counts, 1]);
    expect(queued.state).to.equal('pending');
    await queued.cancel('not needed');
    expect(queued.state).to.equal('cancelled');
    Atomics.store(new Int32Array(gate), 0, 1);
    Atomics.notify(new Int32Array(gate), 0);
    expect(await busy).to.equal(0);
    // A later task on the same worker runs after the skipped one would have.
    expect(await rt.executor.spawn(mark, [counts, 0])).to.equal(0);
    expect(Atomics.load(new Int32Array(counts), 1), 'the cancelled body ran').to.equal(0);
    const error = await Promise.resolve(queued).then(() => undefined, (e: unknown) => e);
    expect(CancelledError.is(error)).to.equal(true);
  });

  it('aborts a running task\'s cx.signal with the reason and rejects its handle with CancelledError', async () => {
    const task = rt.executor.spawn(untilAborted, []);
    while (task.state !== 'running') await new Promise((r) => setTimeout(r, 1));
    const reason = new Error('stop now');
    await task.cancel(reason);
    const error = await Promise.resolve(task).then(() => undefined, (e: unknown) => e);
    expect(CancelledError.is(error)).to.equal(true);
    expect(task.state).to.equal('cancelled');
  });

  for (const [reason, reads] of [
    [new Error('the reason'), 'Error::the reason'],
    [new TimeoutError('took too long'), 'TimeoutError:ETIMEDOUT:took too long'], // the class and code, as on every runtime
    ['a string', 'String::undefined'], // a value that is no error stays itself
  ] as const) {
    it(`delivers the cancel reason to the worker: ${reads}`, async () => {
      const seen = new SharedArrayBuffer(4);
      const task = rt.executor.spawn(recordAbortReason, [seen, reads]);
      while (Atomics.load(new Int32Array(seen), 0) !== 3) await new Promise((r) => setTimeout(r, 1)); // the body started
      await task.cancel(reason);
      expect(Atomics.load(new Int32Array(seen), 0), '1 = the worker saw this reason, 2 = another one').to.equal(1);
    });
  }
});
