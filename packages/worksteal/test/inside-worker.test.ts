// Inside a worker: cx.runtime spawns into that worker's pool, spawnLocal stays on its thread, the reactor is its own.
import { expect } from 'chai';
import { createServer, type Server } from 'node:net';
import { threadId } from 'node:worker_threads';
import { WorkStealingRuntime } from '../src/index.js';
import type { Task } from '@runtime-traits/core';
import { blockFor, detachFailing, fetchLine, leaveChild, spawnAfter, spawnCancelInside, spawnInside, watchWithChildren } from './fixtures/tasks.js';

describe('WorkStealingRuntime inside a worker', function () {
  this.timeout(30_000);
  let rt: WorkStealingRuntime;
  before(async () => { rt = await WorkStealingRuntime.create({ workers: 2, blockingThreads: 1, queueCapacity: 4 }); });
  after(() => rt.shutdown());

  it('spawns thousands of tasks from a task, more than its deque holds, and awaits them all', async () => {
    const result = await rt.executor.spawn(spawnInside, [5000]);
    expect(result.sum).to.equal((5000 * 5001) / 2);
    expect(result.here).to.not.equal(threadId);
    expect(result.local, 'spawnLocal inside a worker runs on that worker').to.equal(result.here);
  });

  it('runs spawnBlocking on a blocking thread, not on a stealing worker', async () => {
    const workerThreads = new Set<number>();
    const inside = await Promise.all([1, 2, 3, 4].map(() => rt.executor.spawn(spawnInside, [10])));
    for (const r of inside) workerThreads.add(r.here);
    const blockingThread = await rt.executor.spawnBlocking(blockFor, [5]);
    expect(blockingThread).to.not.equal(threadId);
    expect(workerThreads.has(blockingThread)).to.equal(false);
  });

  it('sends the failure of a task detached inside a worker to the runtime\'s onUnhandledError, with a handle of that task', async () => {
    // The handler runs on the main thread; the handle it gets stands in for the worker's (same id, failed).
    const seen: Array<{ error: unknown; id: number; state: string }> = [];
    const own = await WorkStealingRuntime.create({ workers: 1, onUnhandledError: (error, task: Task<unknown>) => seen.push({ error, id: task.id, state: task.state }) });
    try {
      const id = await own.executor.spawn(detachFailing, ['nobody awaits me']);
      for (let i = 0; i < 200 && seen.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(seen).to.have.length(1);
      expect((seen[0]!.error as Error).message).to.equal('nobody awaits me');
      expect(seen[0]).to.include({ id, state: 'failed' });
    } finally {
      await own.shutdown();
    }
  });

  it('on shutdown, aborts the signals of the tasks spawned inside workers too, and refuses their spawns from then on', async () => {
    const own = await WorkStealingRuntime.create({ workers: 2 });
    const seen = new SharedArrayBuffer(16);
    const parent = own.executor.spawn(watchWithChildren, [seen, 3]);
    parent.then(undefined, () => undefined);
    const late = own.executor.spawn(spawnAfter, [300]);
    const cells = new Int32Array(seen);
    for (let i = 0; i < 500 && !Array.from(cells).every((c) => c === 1); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(Array.from(cells), 'every task started').to.deep.equal([1, 1, 1, 1]);
    await own.shutdown({ graceMs: 600 }); // the late spawn comes during the grace
    expect(await late).to.equal('threw RuntimeShutdownError');
    expect(Array.from(cells), 'the parent and its 3 children saw their signal abort').to.deep.equal([2, 2, 2, 2]);
  });

  it('on shutdown with a grace, lets a task spawned inside a worker finish within it, and no longer', async () => {
    for (const [graceMs, finished] of [[2000, true], [0, false]] as const) {
      const own = await WorkStealingRuntime.create({ workers: 1 });
      const seen = new SharedArrayBuffer(4);
      await own.executor.spawn(leaveChild, [seen, 300]); // the parent is done; its child sleeps 300 ms
      const started = performance.now();
      await own.shutdown({ graceMs });
      const took = performance.now() - started;
      // (without a grace the child is cancelled, before it started or while it sleeps: 0 or 2)
      expect(Atomics.load(new Int32Array(seen), 0) === 1, `grace ${graceMs}: the child finished`).to.equal(finished);
      if (graceMs > 0) expect(took, 'shutdown waited for the child, not the whole grace').to.be.within(200, 1500);
    }
  });

  it('lets a portable task sleep and connect with its worker\'s own reactor', async () => {
    const server: Server = createServer((socket) => socket.end('hello from main\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      expect(await rt.executor.spawn(fetchLine, [port])).to.equal('hello from main\n');
    } finally {
      server.close();
    }
  });

  describe('with no free slot (the task runs as its spawning thread\'s own job)', () => {
    let small: WorkStealingRuntime;
    before(async () => { small = await WorkStealingRuntime.create({ workers: 2, workerSlots: 4, queueCapacity: 4 }); });
    after(() => small.shutdown());

    it('runs each body once, never runs a task cancelled while queued, and reports states, errors and ids', async () => {
      const count = 3000;
      const counts = new SharedArrayBuffer(4 * count);
      const r = await small.executor.spawn(spawnCancelInside, [counts, count]);
      const ran = new Int32Array(counts);
      expect(r.statesAtSpawn.every((s) => s === 'pending'), 'no body runs inside spawn').to.equal(true);
      for (let i = 0; i < count; i++) {
        const cancelled = i % 3 === 0;
        expect(ran[i], `body ${i} ran`).to.equal(cancelled ? 0 : 1);
        expect(r.statesAfter[i]).to.equal(cancelled ? 'cancelled' : 'completed');
        expect(r.outcomes[i]).to.equal(cancelled ? 'AbortError: The task was cancelled' : i);
      }
      expect(r.outcomes[count]).to.equal('RangeError: bad input');
      expect(r.failedState).to.equal('failed');
      expect(r.ids, 'task ids are unique').to.equal(count + 1);
    });
  });
});
