// TaskCell and TaskSet: the task state machine, its handles, cancellation, detached failures and shutdown.
import { expect } from 'chai';
import { CancelledError, RuntimeShutdownError } from '@runtime-traits/core';
import type { Runtime, Task } from '@runtime-traits/core';
import { ShutdownReason, TaskCell, TaskSet } from '../src/index.js';
import { MiniExecutor, turn } from './fixtures/mini-executor.js';

for (const kind of ['job', 'outside'] as const) describe(`TaskCell through a minimal executor, handles settled ${kind === 'job' ? 'by their own job' : 'from outside'}`, () => {
  let executor: MiniExecutor;
  beforeEach(() => { executor = new MiniExecutor(kind); });

  it('should hand out a plain native promise that carries the Task members', async () => {
    const task = executor.spawnLocal(() => 'value');
    expect(Object.getPrototypeOf(task)).to.equal(Promise.prototype);
    expect(Promise.resolve(task)).to.equal(task);
    expect(task.id).to.be.a('number').greaterThan(0);
    expect(await task.then((v) => `${v}!`)).to.equal('value!');
    expect(task.detach()).to.equal(task);
  });

  it('should resolve with a thenable that calls back synchronously, and one that rejects later', async () => {
    const sync = { then(resolve: (v: string) => void) { resolve('at once'); } };
    expect(await executor.spawnLocal(() => sync as unknown as PromiseLike<string>)).to.equal('at once');
    const later = executor.spawnLocal(() => new Promise((_, reject) => setTimeout(() => reject(new RangeError('later')), 1)));
    const error = await Promise.resolve(later).then(() => null, (e: unknown) => e);
    expect(error).to.be.instanceOf(RangeError);
    expect(later.state).to.equal('failed');
  });

  it('should settle cancelled a body that cancels its own task while it runs synchronously', async () => {
    let self: Task<string> | undefined;
    const task = executor.spawnLocal(() => { void self!.cancel('from inside'); return 'ignored'; });
    self = task;
    const error = await Promise.resolve(task).then(() => null, (e: unknown) => e) as CancelledError;
    expect(CancelledError.is(error)).to.equal(true);
    expect(error.cause).to.equal('from inside');
    expect(task.state).to.equal('cancelled');
  });

  it('should cancel on shutdown a task whose body has not started yet, and never run it', async () => {
    let ran = false;
    const queued = executor.spawnLocal(() => { ran = true; });
    await executor.tasks.shutdown(0, () => Promise.resolve());
    const error = await Promise.resolve(queued).then(() => null, (e: unknown) => e);
    expect(CancelledError.is(error)).to.equal(true);
    expect(ran).to.equal(false);
    expect(executor.tasks.active).to.equal(0);
  });

  it('should not run the body inside the spawn call', async () => {
    let ran = false;
    const task = executor.spawnLocal(() => { ran = true; return 1; });
    expect(ran).to.equal(false);
    expect(task.state).to.equal('pending');
    expect(await task).to.equal(1);
    expect(task.state).to.equal('completed');
  });

  it('should never run a task cancelled before it started', async () => {
    let ran = false;
    const task = executor.spawnLocal(() => { ran = true; });
    await task.cancel();
    await turn();
    expect(ran).to.equal(false);
    expect(task.state).to.equal('cancelled');
    const error = await Promise.resolve(task).then(() => null, (e: unknown) => e);
    expect(CancelledError.is(error)).to.equal(true);
  });

  it('should abort the signal of a running task and reject with CancelledError whatever it returns', async () => {
    let seen: unknown;
    const task = executor.spawnLocal((cx) => new Promise<string>((resolve) => {
      cx.signal.addEventListener('abort', () => { seen = cx.signal.reason; resolve('finished anyway'); });
    }));
    await turn();
    expect(task.state).to.equal('running');
    await task.cancel('stop');
    expect(seen).to.equal('stop');
    expect(task.state).to.equal('cancelled');
    const error = await Promise.resolve(task).then(() => null, (e: unknown) => e) as CancelledError;
    expect(error.code).to.equal('ABORT_ERR');
    expect(error.cause).to.equal('stop');
  });

  it('should keep the outcome when cancelled after completion', async () => {
    const task = executor.spawnLocal(() => 7);
    await task;
    await task.cancel();
    expect(task.state).to.equal('completed');
    expect(await task).to.equal(7);
  });

  it('should hand an already-aborted signal to a task that reads it late', async () => {
    let aborted: boolean | undefined;
    const task = executor.spawnLocal(async (cx) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      aborted = cx.signal.aborted;
    });
    await turn();
    const cancelled = task.cancel();
    await cancelled;
    expect(aborted).to.equal(true);
  });

  it('should cancel through SpawnOptions.signal, also when already aborted', async () => {
    const controller = new AbortController();
    controller.abort('early');
    const early = executor.spawnLocal(() => 1, { signal: controller.signal });
    expect(early.state).to.equal('cancelled');
    const later = new AbortController();
    const task = executor.spawnLocal((cx) => new Promise((_, reject) => cx.signal.addEventListener('abort', () => reject(cx.signal.reason))), { signal: later.signal });
    await turn();
    later.abort('late');
    const error = await Promise.resolve(task).then(() => null, (e: unknown) => e);
    expect(CancelledError.is(error)).to.equal(true);
  });

  it('should report a detached failure to onUnhandledError and never to unhandledRejection', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown): void => { rejections.push(reason); };
    process.on('unhandledRejection', onRejection);
    try {
      executor.spawnLocal(() => { throw new Error('boom'); }).detach();
      executor.spawnLocal(() => Promise.reject(new Error('quiet'))); // not detached, not awaited: silent
      await turn();
      await turn();
      expect(executor.unhandled.map((e) => (e as Error).message)).to.deep.equal(['boom']);
      expect(rejections).to.deep.equal([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('should report a failure that happened before detach() was called', async () => {
    const task = executor.spawnLocal(() => { throw new Error('before'); });
    await turn();
    task.detach();
    expect(executor.unhandled.map((e) => (e as Error).message)).to.deep.equal(['before']);
  });

  it('should count spawned, completed, failed and cancelled', async () => {
    await executor.spawnLocal(() => 1);
    await executor.spawnLocal(() => { throw new Error('x'); }).then(() => {}, () => {});
    const pending = executor.spawnLocal(() => 1);
    await pending.cancel();
    expect(executor.tasks.counters(0)).to.include({ spawned: 3, completed: 1, failed: 1, cancelled: 1, active: 0 });
  });

  it('should settle every live task on shutdown, even a body that ignores its signal, and refuse new ones', async () => {
    const stubborn = executor.spawnLocal(() => new Promise(() => {}));
    await turn();
    await executor.tasks.shutdown(0, () => Promise.resolve());
    expect(stubborn.state).to.equal('cancelled');
    const error = await Promise.resolve(stubborn).then(() => null, (e: unknown) => e) as CancelledError;
    expect(RuntimeShutdownError.is(error.cause)).to.equal(true);
    expect(() => executor.spawnLocal(() => 1)).to.throw(RuntimeShutdownError);
  });

  it('should reject every task of one shutdown with one CancelledError, whose cause is the signal\'s reason, and make none when nothing is left', async () => {
    const signals: AbortSignal[] = [];
    const tasks = [1, 2, 3].map(() => executor.spawnLocal((cx) => { signals.push(cx.signal); return new Promise(() => {}); }));
    await turn();
    let made = 0;
    class CountingReason extends ShutdownReason {
      override get error(): RuntimeShutdownError { made++; return super.error; }
    }
    await executor.tasks.shutdown(0, () => Promise.resolve(), new CountingReason());
    const errors = await Promise.all(tasks.map((task) => Promise.resolve(task).then(() => null, (e: unknown) => e)));
    expect(new Set(errors).size, 'one rejection for the sweep').to.equal(1);
    expect(CancelledError.is(errors[0])).to.equal(true);
    expect(new Set(signals.map((signal) => signal.reason)).size).to.equal(1);
    expect((errors[0] as CancelledError).cause).to.equal(signals[0]!.reason);
    expect(RuntimeShutdownError.is(signals[0]!.reason)).to.equal(true);
    expect(made, 'reads of reason.error').to.be.greaterThan(0);

    const idle = new MiniExecutor(kind);
    await idle.spawnLocal(() => 1);
    made = 0;
    await idle.tasks.shutdown(0, () => Promise.resolve(), new CountingReason());
    expect(made, 'errors made by a shutdown with nothing left').to.equal(0);
  });

  // Only a job runs its body before its cell is linked (the case TaskSet's header describes).
  if (kind === 'job') it('should cancel a body that shut the set down in its synchronous part with the sweep\'s own reason', async () => {
    let otherSignal!: AbortSignal;
    const other = executor.spawnLocal((cx) => { otherSignal = cx.signal; return new Promise(() => {}); });
    await turn();
    let shutdown!: Promise<void>;
    let ownSignal!: AbortSignal;
    const self = executor.spawnLocal((cx) => {
      ownSignal = cx.signal;
      shutdown = executor.tasks.shutdown(0, () => Promise.resolve());
      return new Promise(() => {});
    });
    await turn();
    await shutdown;
    const [a, b] = await Promise.all([other, self].map((t) => Promise.resolve(t).then(() => null, (e: unknown) => e)));
    expect([self.state, other.state]).to.deep.equal(['cancelled', 'cancelled']);
    expect(ownSignal.reason, 'the same RuntimeShutdownError').to.equal(otherSignal.reason);
    expect(a, 'the same CancelledError').to.equal(b);
  });

  describe('having a runtime subclass of TaskCell', () => {
    class RemoteCell<T> extends TaskCell<T> {
      aborted: unknown[] = [];
      protected override abortRunning(reason: unknown): void {
        this.aborted.push(reason);
      }
    }

    it('should be awaitable and chainable like a plain promise', async () => {
      const set = new TaskSet({} as Runtime);
      const cell = set.create<number>(undefined, (id, owner, name, signal) => new RemoteCell<number>(id, owner, name, signal));
      cell.start();
      cell.complete(5);
      expect(await cell.handle).to.equal(5);
      expect(await cell.handle.then((v) => v + 1)).to.equal(6);
      expect(Promise.resolve(cell.handle)).to.equal(cell.handle);
      expect(Object.getPrototypeOf(cell.handle)).to.equal(Promise.prototype);
    });

    it('should forward a running cancel to abortRunning', async () => {
      const set = new TaskSet({} as Runtime);
      const cell = set.create<number>(undefined, (id, owner, name, signal) => new RemoteCell<number>(id, owner, name, signal)) as RemoteCell<number>;
      cell.start();
      const cancelled = cell.cancel('why');
      expect(cell.aborted).to.deep.equal(['why']);
      cell.complete(1);
      await cancelled;
      expect(cell.state).to.equal('cancelled');
    });

    it('should resolve cancel() when abortRunning settles the task at once', async () => {
      class SettlingCell<T> extends TaskCell<T> {
        protected override abortRunning(reason: unknown): void {
          this.fail(reason); // a runtime that cannot wait for the body: settled cancelled right here
        }
      }
      const set = new TaskSet({} as Runtime);
      const cell = set.create<number>(undefined, (id, owner, name, signal) => new SettlingCell<number>(id, owner, name, signal));
      cell.start();
      const outcome = await Promise.race([cell.cancel('now').then(() => 'resolved'), new Promise((r) => setTimeout(() => r('still pending'), 200))]);
      expect(outcome).to.equal('resolved');
      expect(cell.state).to.equal('cancelled');
    });
  });

  describe('TaskSet.spawnLocal (the kit\'s ready queue)', () => {
    it('should run bodies after the current synchronous code, in spawn order, and skip cancelled ones', async () => {
      const set = new TaskSet({} as Runtime);
      const order: string[] = [];
      const a = set.spawnLocal(() => order.push('a'));
      const skipped = set.spawnLocal(() => order.push('skipped'));
      const c = set.spawnLocal(() => order.push('c'));
      order.push('sync');
      expect(set.queued).to.equal(3);
      await skipped.cancel();
      await Promise.all([a, c]);
      expect(order).to.deep.equal(['sync', 'a', 'c']);
      expect(set.queued).to.equal(0);
    });

    it('should check its arguments like every executor', () => {
      const set = new TaskSet({} as Runtime);
      expect(() => set.spawnLocal('nope' as never)).to.throw(TypeError, /fn must be a function/);
      expect(() => set.spawnLocal(() => 1, 5 as never)).to.throw(TypeError, /opts/);
    });
  });

  describe('TaskSet.run (Runtime.run for any runtime)', () => {
    it('should resolve with main\'s result, throw at the call for a bad main, and reject after shutdown', async () => {
      const set = new TaskSet({} as Runtime);
      expect(await set.run(async () => 'out')).to.equal('out');
      expect(() => set.run('nope' as never)).to.throw(TypeError, 'main must be a function');
      await set.shutdown(0, () => Promise.resolve());
      expect(await set.run(() => 1).then(() => null, (e: unknown) => e)).to.be.instanceOf(RuntimeShutdownError);
    });
  });
});
