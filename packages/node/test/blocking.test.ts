// spawnBlocking: really off the main thread, errors that keep their class, crashed threads, cancellation, shutdown.
import { threadId } from 'node:worker_threads';
import { expect } from 'chai';
import { CancelledError, NetError, RuntimeShutdownError, WorkerCrashedError } from '@runtime-traits/core';
import { NodeRuntime } from '../src/index.js';
import { outcome } from './helpers.js';
import { add, crash, exitThread, undefinedHere, spin, sumBytes, throwCoded, throwNetError, throwRange, waitForAbort, whichThread } from './fixtures/tasks.js';

describe('NodeRuntime spawnBlocking', () => {
  let rt: NodeRuntime;
  beforeEach(async () => { rt = await NodeRuntime.create({ blockingThreads: 2 }); });
  afterEach(() => rt.shutdown());

  it('should run the task off the main thread', async () => {
    const where = await rt.executor.spawnBlocking(whichThread, []);
    expect(where).to.be.a('number');
    expect(where).to.not.equal(threadId);
  });

  it('should pass arguments and return results by structured clone', async () => {
    expect(await rt.executor.spawnBlocking(add, [40, 2])).to.equal(42);
    const bytes = new Uint8Array([1, 2, 3, 250]);
    expect(await rt.executor.spawnBlocking(sumBytes, [bytes])).to.equal(256);
  });

  it('should start threads lazily and report them in metrics', async () => {
    expect(rt.metrics()).to.include({ blockingThreads: 0, blockingBusy: 0 });
    const running = [rt.executor.spawnBlocking(spin, [50]), rt.executor.spawnBlocking(spin, [50]), rt.executor.spawnBlocking(spin, [50])];
    await Promise.resolve();
    await Promise.resolve();
    const during = rt.metrics();
    expect(during.blockingThreads).to.equal(2); // capped by blockingThreads
    expect((during.blockingBusy as number) + (during.blockingQueued as number)).to.equal(3);
    await Promise.all(running);
    expect(rt.metrics()).to.include({ blockingBusy: 0, blockingQueued: 0, completed: 3 });
  });

  it('should keep class, message and code of errors from the thread', async () => {
    const range = await outcome(rt.executor.spawnBlocking(throwRange, ['out of range there']));
    expect(range).to.be.instanceOf(RangeError);
    expect((range as Error).message).to.equal('out of range there');
    const coded = await outcome(rt.executor.spawnBlocking(throwCoded, []));
    expect(coded).to.be.instanceOf(Error);
    expect(coded).to.have.property('code', 'E_CUSTOM');
    const net = await outcome(rt.executor.spawnBlocking(throwNetError, []));
    expect(NetError.is(net)).to.equal(true);
    expect(net).to.have.property('code', 'ECONNRESET');
  });

  it('should reject with a TypeError when the module does not define the def', async () => {
    const error = await outcome(rt.executor.spawnBlocking(undefinedHere, []));
    expect(error).to.be.instanceOf(TypeError);
    expect((error as Error).message).to.match(/notDefinedHere/);
  });

  it('should fail the task of a thread that dies with WorkerCrashedError, and replace the thread', async () => {
    const thrown = await outcome(rt.executor.spawnBlocking(crash, []));
    expect(WorkerCrashedError.is(thrown)).to.equal(true);
    expect((thrown as WorkerCrashedError).code).to.equal('ERR_WORKER_CRASHED');
    const exited = await outcome(rt.executor.spawnBlocking(exitThread, []));
    expect(WorkerCrashedError.is(exited)).to.equal(true);
    expect(await rt.executor.spawnBlocking(add, [1, 1])).to.equal(2);
  });

  it('should abort the task\'s signal on the thread when cancelled', async () => {
    const task = rt.executor.spawnBlocking(waitForAbort, []);
    // Wait until it runs on its thread, then cancel it.
    while (task.state === 'pending') await rt.executor.yieldNow();
    await task.cancel(new Error('stop over there'));
    expect(task.state).to.equal('cancelled');
    expect(CancelledError.is(await outcome(task))).to.equal(true);
  });

  it('should keep an idle thread for an idle time past the 2^31 ms a timer can hold, without a warning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => { warnings.push(w.name); };
    process.on('warning', onWarning);
    const long = await NodeRuntime.create({ blockingThreads: 1, blockingIdleMs: 2 ** 40 });
    try {
      await long.executor.spawnBlocking(add, [1, 2]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(long.metrics()).to.include({ blockingThreads: 1 });
      expect(warnings).to.not.include('TimeoutOverflowWarning');
    } finally {
      process.off('warning', onWarning);
      await long.shutdown();
    }
  });

  it('should throw at the call for uncloneable arguments', () => {
    expect(() => rt.executor.spawnBlocking(add, [1, Symbol('no') as never])).to.throw(TypeError, /args\[1\]/);
  });

  it('should cancel running and queued blocking tasks on shutdown and let the pool go', async () => {
    const running = rt.executor.spawnBlocking(waitForAbort, []);
    while (running.state === 'pending') await rt.executor.yieldNow();
    await rt.shutdown();
    expect(CancelledError.is(await outcome(running))).to.equal(true);
    expect(rt.metrics()).to.include({ blockingThreads: 0 });
    expect(() => rt.executor.spawnBlocking(add, [1, 2])).to.throw(RuntimeShutdownError);
  });
});
