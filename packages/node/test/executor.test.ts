// The executor on this thread: spawnLocal, spawn, join, yieldNow, cancel, detach, run, metrics, shutdown.
import { threadId } from 'node:worker_threads';
import { expect } from 'chai';
import { CancelledError, RuntimeShutdownError, type Task } from '@runtime-traits/core';
import { NodeRuntime } from '../src/index.js';
import { add, asyncDouble, undefinedHere, returnsPromise, throwRange, whichThread } from './fixtures/tasks.js';

describe('NodeRuntime executor', () => {
  let rt: NodeRuntime;
  beforeEach(async () => { rt = await NodeRuntime.create({ onUnhandledError: () => {} }); });
  afterEach(() => rt.shutdown());

  describe('spawnLocal', () => {
    it('should run the body after the call returns, with the runtime as cx.runtime', async () => {
      const seen: string[] = [];
      const task = rt.executor.spawnLocal((cx) => {
        seen.push('body');
        return cx.runtime;
      });
      seen.push('after spawn');
      expect(await task).to.equal(rt);
      expect(seen).to.deep.equal(['after spawn', 'body']);
      expect(task.state).to.equal('completed');
    });

    it('should give unique positive ids', () => {
      const ids = Array.from({ length: 50 }, () => rt.executor.spawnLocal(() => 0).id);
      expect(new Set(ids).size).to.equal(50);
      expect(ids.every((id) => Number.isInteger(id) && id > 0)).to.equal(true);
    });

    it('should never run a body cancelled before it started', async () => {
      let ran = false;
      const task = rt.executor.spawnLocal(() => { ran = true; });
      await task.cancel();
      await rt.executor.yieldNow();
      expect(ran).to.equal(false);
      expect(task.state).to.equal('cancelled');
      let caught: unknown;
      try { await task; } catch (error) { caught = error; }
      expect(CancelledError.is(caught)).to.equal(true);
    });

    it('should abort cx.signal on cancel and reject with CancelledError whatever the body returns', async () => {
      let reason: unknown;
      const task = rt.executor.spawnLocal((cx) => new Promise<string>((resolve) => {
        cx.signal.addEventListener('abort', () => { reason = cx.signal.reason; resolve('ignored'); });
      }));
      await rt.executor.yieldNow();
      await task.cancel('stop now');
      expect(reason).to.equal('stop now');
      const outcome = await Promise.resolve(task).then(() => 'resolved', (e: unknown) => e);
      expect(CancelledError.is(outcome)).to.equal(true);
      expect((outcome as CancelledError).code).to.equal('ABORT_ERR');
    });

    it('should cancel the task when its spawn signal aborts', async () => {
      const controller = new AbortController();
      const task = rt.executor.spawnLocal((cx) => new Promise((resolve) => cx.signal.addEventListener('abort', resolve)), { signal: controller.signal });
      await rt.executor.yieldNow();
      controller.abort(new Error('parent gave up'));
      const outcome = await Promise.resolve(task).then(() => 'resolved', (e: unknown) => e);
      expect(CancelledError.is(outcome)).to.equal(true);
    });

    it('should throw a TypeError naming fn for a non-function', () => {
      expect(() => rt.executor.spawnLocal(42 as never)).to.throw(TypeError, /fn/);
    });
  });

  describe('spawn', () => {
    it('should run a portable task on this thread with its arguments', async () => {
      expect(await rt.executor.spawn(add, [2, 3])).to.equal(5);
      expect(await rt.executor.spawn(whichThread, [])).to.equal(threadId);
      expect(await rt.executor.spawn(asyncDouble, [21])).to.equal(42);
    });

    it('should reject with a TypeError when the module does not define the def', async () => {
      const outcome = await Promise.resolve(rt.executor.spawn(undefinedHere, [])).then(() => 'resolved', (e: unknown) => e);
      expect(outcome).to.be.instanceOf(TypeError);
      expect((outcome as Error).message).to.match(/notDefinedHere/);
    });

    it('should throw at the call for uncloneable arguments, naming the argument', () => {
      expect(() => rt.executor.spawn(add, [1, (() => 2) as never])).to.throw(TypeError, /args\[1\]/);
      expect(() => rt.executor.spawn(add, 'nope' as never)).to.throw(TypeError, /args/);
      expect(() => rt.executor.spawn({} as never, [])).to.throw(TypeError, /def/);
    });

    it('should keep the class of a failure', async () => {
      const outcome = await Promise.resolve(rt.executor.spawn(throwRange, ['too far'])).then(() => 'resolved', (e: unknown) => e);
      expect(outcome).to.be.instanceOf(RangeError);
      expect((outcome as Error).message).to.equal('too far');
    });
  });

  describe('join', () => {
    it('should run both bodies synchronously and return both results', () => {
      expect(rt.executor.join(add, [1, 2], add, [10, 20])).to.deep.equal([3, 30]);
    });

    it('should throw a TypeError naming a or b when a body returns a thenable', () => {
      expect(() => rt.executor.join(returnsPromise, [], add, [1, 1])).to.throw(TypeError, /\ba\.fn/);
      expect(() => rt.executor.join(add, [1, 1], returnsPromise, [])).to.throw(TypeError, /\bb\.fn/);
    });

    it('should throw the error of a body that throws', () => {
      expect(() => rt.executor.join(add, [1, 1], throwRange, ['bad b'])).to.throw(RangeError, 'bad b');
    });
  });

  describe('yieldNow', () => {
    it('should let IO callbacks queued before it run first', async () => {
      let immediateRan = false;
      setImmediate(() => { immediateRan = true; });
      await rt.executor.yieldNow();
      expect(immediateRan).to.equal(true);
    });
  });

  describe('detach', () => {
    it('should send a detached failure to onUnhandledError and never to unhandledRejection', async () => {
      const unhandled: unknown[] = [];
      const onProcess = (reason: unknown): void => { unhandled.push(reason); };
      process.on('unhandledRejection', onProcess);
      try {
        const reported: Array<[unknown, Task<unknown>]> = [];
        let reportedOnce!: () => void;
        const wasReported = new Promise<void>((resolve) => { reportedOnce = resolve; });
        const local = await NodeRuntime.create({
          onUnhandledError: (error, task) => { reported.push([error, task]); reportedOnce(); },
        });
        const boom = new Error('detached boom');
        const task = local.executor.spawnLocal(async () => { throw boom; }).detach();
        await wasReported;
        // Node reports unhandled rejections once the microtask queue drains; two macrotask turns cover it.
        await local.executor.yieldNow();
        await local.executor.yieldNow();
        expect(reported).to.have.length(1);
        expect(reported[0]![0]).to.equal(boom);
        expect(reported[0]![1]).to.equal(task);
        await local.shutdown();
      } finally {
        process.off('unhandledRejection', onProcess);
      }
      expect(unhandled).to.deep.equal([]);
    });
  });

  describe('run and metrics', () => {
    it('should return main\'s result and count what ran', async () => {
      const result = await rt.run(async (cx) => {
        const tasks = [1, 2, 3].map((n) => cx.runtime.executor.spawnLocal(() => n * 2));
        return (await Promise.all(tasks)).reduce((a, b) => a + b, 0);
      });
      expect(result).to.equal(12);
      const m = rt.metrics();
      expect(m).to.include({ spawned: 4, completed: 4, failed: 0, cancelled: 0, active: 0, queueDepth: 0 });
    });

    it('should reject run with main\'s error', async () => {
      const outcome = await rt.run(() => { throw new SyntaxError('main failed'); }).then(() => 'resolved', (e: unknown) => e);
      expect(outcome).to.be.instanceOf(SyntaxError);
    });
  });

  describe('shutdown', () => {
    it('should cancel live tasks with a RuntimeShutdownError reason and refuse new spawns', async () => {
      let reason: unknown;
      const task = rt.executor.spawnLocal((cx) => new Promise((resolve) => {
        cx.signal.addEventListener('abort', () => { reason = cx.signal.reason; resolve(1); });
      }));
      await rt.executor.yieldNow();
      await rt.shutdown();
      expect(RuntimeShutdownError.is(reason)).to.equal(true);
      const outcome = await Promise.resolve(task).then(() => 'resolved', (e: unknown) => e);
      expect(CancelledError.is(outcome)).to.equal(true);
      expect(() => rt.executor.spawnLocal(() => 1)).to.throw(RuntimeShutdownError);
      expect(() => rt.executor.spawn(add, [1, 2])).to.throw(RuntimeShutdownError);
      await rt.shutdown(); // idempotent
    });
  });
});
