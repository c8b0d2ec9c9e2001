// Area: TaskGroup (structured concurrency) over this runtime's executor — wait, first failure, cancel, leave.
import { expect } from 'chai';
import { CancelledError, TaskGroup } from '@runtime-traits/core';
import type { Harness } from '../harness.js';
import * as tasks from '../tasks.js';
import { expectReject, expectThrowSync, holds, settle, untilAborted } from '../util.js';

export function taskGroupArea(h: Harness): void {
  h.describe('TaskGroup', () => {
    h.it('wait() resolves once every child has finished', async (t) => {
      const group = new TaskGroup(t.ex);
      const done: number[] = [];
      for (const ms of [15, 5, 10]) group.spawnLocal(async () => { await t.clock.sleep(ms); done.push(ms); });
      await group.wait();
      expect(done.sort((a, b) => a - b)).to.deep.equal([5, 10, 15]);
      expect(group.size).to.equal(0);
    });
    h.it('wait() resolves at once for an empty group', async (t) => {
      await new TaskGroup(t.ex).wait();
    });
    h.it('runs portable children and hands back their results', async (t) => {
      const group = new TaskGroup(t.ex);
      const a = group.spawn(tasks.add, [1, 2]);
      const b = group.spawn(tasks.addLater, [3, 4]);
      await group.wait();
      expect([await a, await b]).to.deep.equal([3, 7]);
    });
    h.it('rethrows the first failure from wait() and cancels the other children', async (t) => {
      const group = new TaskGroup(t.ex);
      let siblingAborted = false;
      group.spawnLocal((cx) => new Promise<void>((resolve) => cx.signal.addEventListener('abort', () => { siblingAborted = true; resolve(); }, { once: true })));
      group.spawnLocal(async () => { await t.clock.sleep(5); throw new RangeError('first failure'); });
      await expectReject(group.wait(), RangeError, { message: /first failure/ });
      holds(siblingAborted, 'the sibling cancelled when the first child failed', () => 'its signal was never aborted');
    });
    h.it('settles wait() only once a cancelled sibling has wound down, still with the first failure', async (t) => {
      const group = new TaskGroup(t.ex);
      let siblingDone = false;
      group.spawnLocal(async (cx) => {
        await new Promise<void>((resolve) => cx.signal.addEventListener('abort', () => resolve(), { once: true }));
        await t.clock.sleep(20); // winds down for a while after its abort, then fails in its own way
        siblingDone = true;
        throw new Error('a failure after the first');
      });
      group.spawnLocal(async () => { await t.clock.sleep(5); throw new RangeError('first failure'); });
      await expectReject(group.wait(), RangeError, { message: /first failure/ });
      holds(siblingDone && group.size === 0, 'wait() to settle once every child settled', () => `a child still running (size ${group.size})`);
    });
    h.it('cancels a sleeping portable sibling when a child fails', async (t) => {
      const group = new TaskGroup(t.ex);
      const sleeper = group.spawn(tasks.sleepFor, [3_600_000]);
      group.spawn(tasks.failLater, ['portable failure']);
      await expectReject(group.wait(), TypeError, { message: /portable failure/ });
      await expectReject(sleeper, CancelledError);
    });
    h.it('cancel() cancels every running child and resolves once they settled', async (t) => {
      const group = new TaskGroup(t.ex);
      const children = [group.spawnLocal((cx) => untilAborted(cx)), group.spawn(tasks.sleepFor, [3_600_000])];
      await t.clock.sleep(5);
      await group.cancel();
      for (const child of children) {
        expect(child.state).to.equal('cancelled');
        await expectReject(child, CancelledError);
      }
    });
    h.it('leaving the group (asyncDispose) cancels what is left', async (t) => {
      const group = new TaskGroup(t.ex);
      const child = group.spawnLocal((cx) => untilAborted(cx));
      await t.ex.yieldNow();
      await group[Symbol.asyncDispose]();
      await expectReject(child, CancelledError);
    });
    h.it('refuses new children after cancel()', async (t) => {
      const group = new TaskGroup(t.ex);
      await group.cancel();
      expectThrowSync(() => group.spawnLocal(() => 1), CancelledError);
    });
    h.it('does not treat a cancelled child as the group\'s failure', async (t) => {
      const group = new TaskGroup(t.ex);
      const child = group.spawnLocal((cx) => untilAborted(cx));
      const ok = group.spawnLocal(async () => { await t.clock.sleep(5); return 'ok'; });
      await t.ex.yieldNow();
      await child.cancel();
      await group.wait();
      expect(await ok).to.equal('ok');
    });
    h.it('reports size as the number of children still running', async (t) => {
      const group = new TaskGroup(t.ex);
      const gate = new AbortController();
      group.spawnLocal(() => new Promise<void>((resolve) => gate.signal.addEventListener('abort', () => resolve())));
      group.spawnLocal(() => 1);
      expect(group.size).to.equal(2);
      await t.clock.sleep(1);
      expect(group.size).to.equal(1);
      gate.abort();
      await group.wait();
      expect(group.size).to.equal(0);
    });
    h.it('runs blocking children', async (t) => {
      const group = new TaskGroup(t.ex);
      const child = group.spawnBlocking(tasks.fib, [20]);
      await group.wait();
      expect(await child).to.equal(6765);
    });
    h.it('settles every child even when several fail at once', async (t) => {
      const group = new TaskGroup(t.ex);
      const failed: string[] = [];
      const children = Array.from({ length: 5 }, (_, i) => group.spawnLocal(async () => {
        await t.ex.yieldNow();
        failed.push(`child ${i}`);
        throw new Error(`child ${i}`);
      }));
      const outcome = await settle(group.wait());
      holds('error' in outcome, 'wait() to reject', () => 'it resolved');
      expect(((outcome as { error: Error }).error).message, 'the failure wait() rethrows').to.equal(failed[0]); // the first to fail (a scheduler may run them in any order), not a later one
      for (const child of children) expect((await settle(child))).to.have.property('error');
    });
  });
}
