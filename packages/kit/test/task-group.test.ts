// TaskGroup (core) over an executor built from the kit: wait, first failure cancels the rest, leaving cancels.
import { expect } from 'chai';
import { CancelledError, TaskGroup } from '@runtime-traits/core';
import { MiniExecutor } from './fixtures/mini-executor.js';

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('TaskGroup', () => {
  it('should resolve wait() once every child has finished', async () => {
    const group = new TaskGroup(new MiniExecutor());
    const done: number[] = [];
    group.spawnLocal(async () => { await delay(10); done.push(1); });
    group.spawnLocal(async () => { await delay(1); done.push(2); });
    await group.wait();
    expect(done.sort()).to.deep.equal([1, 2]);
    expect(group.size).to.equal(0);
  });

  it('should cancel the other children on the first failure and rethrow it', async () => {
    const group = new TaskGroup(new MiniExecutor());
    let sawAbort = false;
    const slow = group.spawnLocal((cx) => new Promise((_, reject) => {
      cx.signal.addEventListener('abort', () => { sawAbort = true; reject(cx.signal.reason); });
    }));
    group.spawnLocal(async () => { await delay(1); throw new Error('first'); });
    const error = await group.wait().then(() => null, (e: unknown) => e);
    expect((error as Error).message).to.equal('first');
    expect(sawAbort).to.equal(true);
    expect(slow.state).to.equal('cancelled');
    // Closed by the failure: a late child would run on after it (and a second wait() would wait for it).
    let ran = false;
    expect(() => group.spawnLocal(async () => { ran = true; })).to.throw(CancelledError, /a child failed/);
    await delay(5);
    expect(ran).to.equal(false);
  });

  it('should cancel what is left when the group is left', async () => {
    const executor = new MiniExecutor();
    let child;
    {
      await using group = new TaskGroup(executor);
      child = group.spawnLocal((cx) => new Promise((_, reject) => cx.signal.addEventListener('abort', () => reject(cx.signal.reason))));
      await delay(1);
    }
    expect(child.state).to.equal('cancelled');
  });

  it('should refuse children after it was cancelled', async () => {
    const group = new TaskGroup(new MiniExecutor());
    await group.cancel();
    expect(() => group.spawnLocal(() => 1)).to.throw(CancelledError);
  });

  it('should resolve wait() at once when empty', async () => {
    await new TaskGroup(new MiniExecutor()).wait();
  });
});
