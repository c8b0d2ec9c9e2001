// Area: a task's life — states, cancel before/while/after running, spawn signals, detach and onUnhandledError.
import { expect } from 'chai';
import { CancelledError, RuntimeError, type Task } from '@runtime-traits/core';
import type { Harness } from '../harness.js';
import * as tasks from '../tasks.js';
import { eventually, expectReject, holds, settle, untilAborted } from '../util.js';

export function taskLifecycleArea(h: Harness): void {
  h.describe('task lifecycle', () => {
    h.describe('states', () => {
      h.it('is pending or running right after spawnLocal, completed once it returned', async (t) => {
        const task = t.ex.spawnLocal(() => 1);
        expect(task.state).to.be.oneOf(['pending', 'running']);
        await task;
        expect(task.state).to.equal('completed');
      });
      h.it('is failed once its body threw', async (t) => {
        const task = t.ex.spawnLocal(() => { throw new Error('x'); });
        await settle(task);
        expect(task.state).to.equal('failed');
      });
      h.it('is running while its body awaits', async (t) => {
        const task = t.ex.spawnLocal((cx) => untilAborted(cx));
        await eventually(t, () => task.state === 'running', 'state became running');
        await task.cancel();
      });
      h.it('is cancelled once cancel() resolved', async (t) => {
        const task = t.ex.spawnLocal((cx) => untilAborted(cx));
        await t.ex.yieldNow();
        await task.cancel();
        expect(task.state).to.equal('cancelled');
      });
      h.it('is completed for a portable task that returned', async (t) => {
        const task = t.ex.spawn(tasks.add, [1, 2]);
        await task;
        expect(task.state).to.equal('completed');
      });
      h.it('is failed for a portable task that threw', async (t) => {
        const task = t.ex.spawn(tasks.failWith, ['Error', 'x']);
        await settle(task);
        expect(task.state).to.equal('failed');
      });
    });

    h.describe('cancel before start', () => {
      h.it('never runs the body', async (t) => {
        let ran = false;
        const task = t.ex.spawnLocal(() => { ran = true; });
        await task.cancel();
        await settle(task);
        await t.ex.yieldNow();
        holds(!ran, 'the body of a task cancelled before it started never to run', () => 'it ran');
      });
      h.it('rejects the handle with CancelledError', async (t) => {
        const task = t.ex.spawnLocal(() => 1);
        void task.cancel();
        await expectReject(task, CancelledError, { code: 'ABORT_ERR', name: 'AbortError' });
      });
      h.it('never runs a portable task cancelled before it started', async (t) => {
        const task = t.ex.spawn(tasks.add, [1, 2]);
        await task.cancel();
        await expectReject(task, CancelledError);
        expect(task.state).to.equal('cancelled');
      });
    });

    h.describe('cancel while running', () => {
      h.it('aborts cx.signal with the given reason', async (t) => {
        let seen: unknown;
        const reason = new Error('stop now');
        const task = t.ex.spawnLocal((cx) => new Promise<void>((resolve) => {
          cx.signal.addEventListener('abort', () => { seen = cx.signal.reason; resolve(); }, { once: true });
        }));
        await eventually(t, () => task.state === 'running', 'task started');
        await task.cancel(reason);
        expect(seen).to.equal(reason);
      });
      h.it('rejects the handle with CancelledError even when the body then returns a value', async (t) => {
        const task = t.ex.spawnLocal((cx) => new Promise<string>((resolve) => {
          cx.signal.addEventListener('abort', () => resolve('returned anyway'), { once: true });
        }));
        await eventually(t, () => task.state === 'running', 'task started');
        void task.cancel();
        await expectReject(task, CancelledError, { code: 'ABORT_ERR' });
      });
      h.it('rejects the handle with CancelledError when the body rejects with something else', async (t) => {
        const task = t.ex.spawnLocal((cx) => new Promise<void>((_, reject) => {
          cx.signal.addEventListener('abort', () => reject(new TypeError('unrelated')), { once: true });
        }));
        await eventually(t, () => task.state === 'running', 'task started');
        void task.cancel();
        await expectReject(task, CancelledError);
      });
      h.it('resolves cancel() only after the body has settled', async (t) => {
        let bodyDone = false;
        const task = t.ex.spawnLocal(async (cx) => {
          await new Promise<void>((resolve) => cx.signal.addEventListener('abort', () => resolve(), { once: true }));
          await t.ex.yieldNow();
          await t.clock.sleep(1);
          bodyDone = true;
        });
        await eventually(t, () => task.state === 'running', 'task started');
        await task.cancel();
        holds(bodyDone, 'cancel() to resolve only after the body settled', () => 'it resolved while the body still ran');
      });
      h.it('cancels a portable task sleeping an hour on cx.runtime\'s clock', async (t) => {
        const task = t.ex.spawn(tasks.sleepFor, [3_600_000]);
        await eventually(t, () => task.state === 'running', 'task started');
        await t.clock.sleep(5);
        await task.cancel('enough');
        await expectReject(task, CancelledError);
      });
      h.it('cancels a portable task that returns normally once its signal aborts', async (t) => {
        const task = t.ex.spawn(tasks.untilCancelled, ['returned anyway']);
        await eventually(t, () => task.state === 'running', 'task started');
        await t.clock.sleep(5);
        await task.cancel();
        await expectReject(task, CancelledError);
      });
      h.it('waits for a body that ignores its signal, then still rejects the handle with CancelledError', async (t) => {
        let finished = false;
        const task = t.ex.spawnLocal(async () => { await t.clock.sleep(20); finished = true; return 'ignored'; });
        await eventually(t, () => task.state === 'running', 'task started');
        await task.cancel();
        holds(finished, 'cancel() to resolve only after the body settled', () => 'it resolved while the body still ran');
        await expectReject(task, CancelledError);
      });
      h.it('resolves every cancel() of a task cancelled twice', async (t) => {
        const task = t.ex.spawnLocal((cx) => new Promise<void>((resolve) => cx.signal.addEventListener('abort', () => resolve(), { once: true })));
        await eventually(t, () => task.state === 'running', 'task started');
        await Promise.all([task.cancel('one'), task.cancel('two')]);
        await expectReject(task, CancelledError);
      });
      h.it('counts the task as cancelled in metrics()', async (t) => {
        const before = t.rt.metrics().cancelled;
        const task = t.ex.spawnLocal((cx) => new Promise<void>((resolve) => cx.signal.addEventListener('abort', () => resolve(), { once: true })));
        await t.ex.yieldNow();
        await task.cancel();
        expect(t.rt.metrics().cancelled).to.be.at.least(before + 1);
      });
    });

    h.describe('cancel after completion', () => {
      h.it('is a no-op on a completed task: the handle keeps its value', async (t) => {
        const task = t.ex.spawnLocal(() => 'kept');
        await task;
        await task.cancel();
        expect(task.state).to.equal('completed');
        expect(await task).to.equal('kept');
      });
      h.it('is a no-op on a failed task: the handle keeps its error', async (t) => {
        const boom = new Error('kept error');
        const task = t.ex.spawnLocal(() => { throw boom; });
        await settle(task);
        await task.cancel();
        expect(task.state).to.equal('failed');
        const outcome = await settle(task);
        expect(outcome).to.deep.equal({ error: boom });
      });
    });

    h.describe('SpawnOptions.signal', () => {
      h.it('cancels a running task when it aborts', async (t) => {
        const controller = new AbortController();
        const task = t.ex.spawnLocal((cx) => new Promise<string>((resolve) => cx.signal.addEventListener('abort', () => resolve('x'), { once: true })), { signal: controller.signal });
        await eventually(t, () => task.state === 'running', 'task started');
        controller.abort(new Error('parent gave up'));
        await expectReject(task, CancelledError);
      });
      h.it('never runs a task whose signal was already aborted', async (t) => {
        let ran = false;
        const task = t.ex.spawnLocal(() => { ran = true; }, { signal: AbortSignal.abort() });
        await settle(task);
        await t.ex.yieldNow();
        holds(!ran, 'the body of a task whose signal was already aborted never to run', () => 'it ran');
        await expectReject(task, CancelledError);
      });
      h.it('cancels a portable task when it aborts', async (t) => {
        const controller = new AbortController();
        const task = t.ex.spawn(tasks.sleepFor, [3_600_000], { signal: controller.signal });
        await eventually(t, () => task.state === 'running', 'task started');
        await t.clock.sleep(5);
        controller.abort();
        await expectReject(task, CancelledError);
      });
      h.it('rejects a portable task whose signal was already aborted', async (t) => {
        await expectReject(t.ex.spawn(tasks.add, [1, 1], { signal: AbortSignal.abort() }), CancelledError);
      });
    });

    h.describe('detach and onUnhandledError', () => {
      h.it('returns the same handle from detach()', async (t) => {
        const task = t.ex.spawnLocal(() => 1);
        expect(task.detach()).to.equal(task);
        await task;
      });
      h.it('can still be awaited after detach()', async (t) => {
        expect(await t.ex.spawnLocal(async () => { await t.ex.yieldNow(); return 'still mine'; }).detach()).to.equal('still mine');
      });
      h.it('sends a detached task\'s failure to onUnhandledError, with the task', async (t) => {
        const seen: Array<{ error: unknown; task: Task<unknown> }> = [];
        const rt = await t.create({ onUnhandledError: (error, task) => seen.push({ error, task }) });
        const boom = new Error('nobody awaits me');
        const task = rt.executor.spawnLocal(() => { throw boom; }).detach();
        await rt.run(async () => {
          await eventually({ ...t, ex: rt.executor, clock: rt.reactor.clock }, () => seen.length > 0, 'onUnhandledError was called');
        });
        expect(seen[0]!.error).to.equal(boom);
        expect(seen[0]!.task.id).to.equal(task.id);
      }, { outside: true });
      h.it('reports a failure that happened before detach() was called', async (t) => {
        const seen: unknown[] = [];
        const rt = await t.create({ onUnhandledError: (error) => seen.push(error) });
        await rt.run(async (cx) => {
          const task = cx.runtime.executor.spawnLocal(() => { throw new Error('early'); });
          await settle(task);
          task.detach();
          await eventually({ ...t, ex: rt.executor, clock: rt.reactor.clock }, () => seen.length > 0, 'onUnhandledError was called');
        });
        expect((seen[0] as Error).message).to.equal('early');
      }, { outside: true });
      h.it('sends a detached portable task\'s failure to onUnhandledError', async (t) => {
        const seen: unknown[] = [];
        const rt = await t.create({ onUnhandledError: (error) => seen.push(error) });
        await rt.run(async () => {
          rt.executor.spawn(tasks.failWith, ['RangeError', 'portable failure']).detach();
          await eventually({ ...t, ex: rt.executor, clock: rt.reactor.clock }, () => seen.length > 0, 'onUnhandledError was called');
        });
        expect(seen[0]).to.be.instanceOf(RangeError);
      }, { outside: true });
      h.it('does not call onUnhandledError for a detached task that succeeds or is cancelled', async (t) => {
        const seen: unknown[] = [];
        const rt = await t.create({ onUnhandledError: (error) => seen.push(error) });
        await rt.run(async (cx) => {
          const ok = cx.runtime.executor.spawnLocal(() => 1).detach();
          const cancelled = cx.runtime.executor.spawnLocal((cx) => untilAborted(cx)).detach();
          await ok;
          await cx.runtime.executor.yieldNow();
          await cancelled.cancel();
          await cx.runtime.reactor.clock.sleep(10);
        });
        expect(seen).to.deep.equal([]);
      }, { outside: true });
      h.it('never turns a detached failure into a process unhandledRejection', async (t) => {
        const proc = (globalThis as { process?: NodeJS.Process }).process;
        const rejections: unknown[] = [];
        const onRejection = (reason: unknown): void => { rejections.push(reason); };
        proc?.on('unhandledRejection', onRejection);
        try {
          const seen: unknown[] = [];
          const rt = await t.create({ onUnhandledError: (error) => seen.push(error) });
          await rt.run(async () => {
            rt.executor.spawnLocal(async () => { throw new Error('detached'); }).detach();
            rt.executor.spawnLocal(async () => { throw new Error('never awaited, not detached'); });
            await eventually({ ...t, ex: rt.executor, clock: rt.reactor.clock }, () => seen.length > 0, 'onUnhandledError was called');
            for (let i = 0; i < 3; i++) await rt.reactor.clock.sleep(5);
          });
        } finally {
          proc?.off('unhandledRejection', onRejection);
        }
        expect(rejections).to.deep.equal([]);
      }, { outside: true });
    });
  });
}
