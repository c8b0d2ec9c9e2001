// Thread-per-core (stealing: false): placement, no migration, broadcast (also after a crash), per-thread state, cx.worker, metrics.
import { expect } from 'chai';
import { threadId } from 'node:worker_threads';
import { CancelledError, RuntimeShutdownError, UnsupportedError, WorkerCrashedError } from '@runtime-traits/core';
import { WorkStealingRuntime } from '../src/index.js';
import { appendOnSelf, appendToValue, getValue, setValue } from './fixtures/order-tasks.js';
import { slowDie } from './fixtures/slow-import-tasks.js';
import { badIndexes, bump, die, dieCold, family, forward, hold, joinWhere, where, type Where } from './fixtures/per-core-tasks.js';

const threadsOf = (ws: Where[]): Set<number> => new Set(ws.map((w) => w.thread));

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('WorkStealingRuntime thread-per-core (stealing: false)', function () {
  this.timeout(60_000);
  let rt: WorkStealingRuntime;
  before(async () => { rt = await WorkStealingRuntime.create({ workers: 2, stealing: false, queueCapacity: 4 }); });
  after(() => rt.shutdown());

  it('checks its arguments: stealing a boolean, the worker an integer index of an existing worker', async () => {
    let refused: unknown;
    try { await WorkStealingRuntime.create({ stealing: 'no' as never }); } catch (error) { refused = error; }
    expect(refused).to.be.instanceOf(TypeError).with.property('message').match(/opts\.stealing/);
    expect(() => rt.spawnOn(2, where, [])).to.throw(RangeError, /worker must be from 0 to 1/);
    expect(() => rt.spawnOn(-1, where, [])).to.throw(RangeError, /worker/);
    expect(() => rt.spawnOn(0.5, where, [])).to.throw(RangeError, /worker must be an integer/);
    expect(() => rt.spawnOn('0' as never, where, [])).to.throw(TypeError, /worker must be an integer/);
    expect(() => rt.spawnOn('1' as never, where, [])).to.throw(TypeError, /worker/);
    expect(() => rt.spawnOn(0, { module: 'x', name: 'y' } as never, [])).to.throw(TypeError);
    expect(await rt.spawnOn(0, badIndexes, [])).to.deep.equal(['RangeError', 'RangeError', 'RangeError', 'TypeError']); // the same checks inside a worker
  });

  it('runs a task placed with spawnOn on that worker, every time', async () => {
    const placed = await Promise.all(Array.from({ length: 60 }, (_, i) => rt.spawnOn(i % 2, where, [])));
    placed.forEach((p, i) => expect(p.worker, `task ${i}`).to.equal(i % 2));
    const on0 = placed.filter((p) => p.worker === 0);
    const on1 = placed.filter((p) => p.worker === 1);
    expect(threadsOf(on0).size).to.equal(1);
    expect(threadsOf(on1).size).to.equal(1);
    expect([...threadsOf(on0)][0]).to.not.equal([...threadsOf(on1)][0]);
    expect([...threadsOf(placed)]).to.not.include(threadId);
  });

  it('round-robins spawn from outside over the workers', async () => {
    const ran = await Promise.all(Array.from({ length: 10 }, () => rt.executor.spawn(where, [])));
    const first = ran[0]!.worker!;
    expect(ran.map((r) => r.worker)).to.deep.equal(ran.map((_, i) => (first + i) % 2));
  });

  it('keeps a task\'s children and grandchildren on its worker, and nothing migrates under load', async () => {
    // 300 CPU-bound descendants spawned on worker 1 while worker 0 sits idle: a stealing pool would take half.
    const before = rt.metrics();
    const r = await rt.spawnOn(1, family, [200, 1]);
    expect(r.parent.worker).to.equal(1);
    expect(r.children).to.have.length(300);
    expect(new Set(r.children.map((c) => c.worker))).to.deep.equal(new Set([1]));
    expect(threadsOf(r.children)).to.deep.equal(new Set([r.parent.thread]));
    expect(rt.metrics().steals).to.equal(before.steals);
  });

  it('keeps per-thread state across tasks on one worker', async () => {
    const a = [];
    for (let i = 0; i < 5; i++) a.push(await rt.spawnOn(0, bump, []));
    const b = await rt.spawnOn(1, bump, []);
    const counts = a.map((x) => x.count);
    for (let i = 1; i < counts.length; i++) expect(counts[i]).to.equal(counts[i - 1]! + 1);
    expect(threadsOf(a as Where[]).size).to.equal(1);
    expect(b.thread).to.not.equal(a[0]!.thread);
    expect(b.count).to.be.lessThan(counts[4]!); // worker 1's module instance counted apart
  });

  it('broadcasts once per worker, results in worker order', async () => {
    const all = await rt.broadcast(where, []);
    expect(all.map((w) => w.worker)).to.deep.equal([0, 1]);
    expect(threadsOf(all).size).to.equal(2);
    let refused: unknown;
    try { await rt.broadcast({} as never, []); } catch (error) { refused = error; }
    expect(refused).to.be.instanceOf(TypeError);
  });

  it('places from inside a worker (small and big arguments) and broadcasts from there', async () => {
    const small = await rt.spawnOn(0, forward, [1, 'hi']);
    expect(small.from).to.equal(0);
    expect(small.echoed).to.deep.equal({ worker: 1, length: 2 });
    expect(small.all.map((w) => w.worker)).to.deep.equal([0, 1]);
    const big = await rt.spawnOn(1, forward, [0, 'x'.repeat(5000)]); // too big for a slot: by message, through main
    expect(big.echoed).to.deep.equal({ worker: 0, length: 5000 });
    expect((await rt.spawnOn(1, forward, [1, 'self'])).echoed.worker).to.equal(1);
  });

  it('starts the tasks placed on one worker in the order they were placed, a def loading for the first time included', async () => {
    expect(await rt.spawnOn(1, getValue, [])).to.equal('unset'); // getValue is known on worker 1 and checked on main
    // setValue was never spawned: main checks its def first, and getValue must not overtake it there.
    expect(await Promise.all([rt.spawnOn(1, setValue, ['set']), rt.spawnOn(1, getValue, [])])).to.deep.equal(['set', 'set']);
    // appendToValue is checked on main (it ran on worker 0) but new to worker 1, which loads it first.
    expect(await rt.spawnOn(0, appendToValue, ['0'])).to.equal('unset0');
    const appended = rt.spawnOn(1, appendToValue, ['!']);
    const got = rt.spawnOn(1, getValue, []);
    expect(await Promise.all([appended, got])).to.deep.equal(['set!', 'set!']);
    // A worker placing on itself: its placement queue too (its deque would run them last first).
    expect(await rt.spawnOn(1, appendOnSelf, [6])).to.equal('set!012345');
  });

  it('shows each worker\'s queue depth in metrics', async () => {
    const gate = new SharedArrayBuffer(8);
    const g = new Int32Array(gate);
    const held = rt.spawnOn(0, hold, [gate]);
    await until(() => Atomics.load(g, 1) === 1, 'worker 0 to hold');
    const queued = Array.from({ length: 20 }, () => rt.spawnOn(0, where, []));
    const m = rt.metrics();
    expect(m.queueDepths).to.deep.equal([20, 0]);
    expect((m.workers as Array<{ worker: number; pinnedDepth: number }>).map((w) => [w.worker, w.pinnedDepth]), 'numbered as spawnOn numbers them').to.deep.equal([[0, 20], [1, 0]]);
    expect(m.queueDepth).to.be.at.least(20);
    Atomics.store(g, 0, 1);
    expect(await held).to.equal(0);
    expect((await Promise.all(queued)).every((w) => w.worker === 0)).to.equal(true);
  });

  it('cancels a task still waiting in a worker\'s placement queue: it never runs, the queue drains', async () => {
    const before = (await rt.spawnOn(1, bump, [])).count;
    const gate = new SharedArrayBuffer(8);
    const g = new Int32Array(gate);
    const held = rt.spawnOn(1, hold, [gate]);
    await until(() => Atomics.load(g, 1) === 1, 'worker 1 to hold');
    const queued = rt.spawnOn(1, bump, []);
    await queued.cancel('not needed');
    let error: unknown;
    try { await queued; } catch (e) { error = e; }
    Atomics.store(g, 0, 1);
    expect(error).to.be.instanceOf(CancelledError);
    expect(await held).to.equal(1);
    expect((await rt.spawnOn(1, bump, [])).count, 'the cancelled bump never ran').to.equal(before + 1);
    expect(rt.metrics().queueDepths).to.deep.equal([0, 0]);
  });

  it('after a worker crashes, its replacement takes its place: queued tasks and broadcast run there', async () => {
    const before = await rt.broadcast(where, []);
    // The app's hook: told which worker restarted, it places that worker's service again.
    const restarts: Array<{ worker: number; error: unknown; placed: PromiseLike<Where> }> = [];
    const off = rt.onWorkerRestart((worker, error) => restarts.push({ worker, error, placed: rt.spawnOn(worker, where, []) }));
    expect(() => rt.onWorkerRestart('no' as never)).to.throw(TypeError, /listener/);
    expect(await rt.spawnOn(1, die, [false])).to.equal(false); // its def loaded there: it runs in its turn
    const gate = new SharedArrayBuffer(8);
    const g = new Int32Array(gate);
    const held = rt.spawnOn(1, hold, [gate]);
    await until(() => Atomics.load(g, 1) === 1, 'worker 1 to hold');
    const dying = rt.spawnOn(1, die, [true]); // queued behind hold
    const waiting = Array.from({ length: 5 }, () => rt.spawnOn(1, where, []));
    Atomics.store(g, 0, 1);
    expect(await held).to.equal(1);
    let crashed: unknown;
    try { await dying; } catch (error) { crashed = error; }
    expect(crashed).to.be.instanceOf(WorkerCrashedError);
    expect((crashed as Error).message, 'the worker as spawnOn and cx.worker number it').to.match(/^worker 1 died/);
    const after = await rt.broadcast(where, []);
    expect(after.map((w) => w.worker)).to.deep.equal([0, 1]);
    expect(after[0]!.thread).to.equal(before[0]!.thread);
    expect(after[1]!.thread).to.not.equal(before[1]!.thread);
    // Tasks queued for worker 1 when it died ran on its replacement, not elsewhere.
    for (const w of await Promise.allSettled(waiting)) {
      if (w.status === 'fulfilled') expect(w.value).to.deep.equal({ worker: 1, thread: after[1]!.thread });
      else expect(w.reason).to.be.instanceOf(WorkerCrashedError);
    }
    expect(rt.metrics().crashes).to.equal(1);
    off();
    expect(restarts.map((r) => r.worker)).to.deep.equal([1]);
    expect(restarts[0]!.error).to.be.instanceOf(WorkerCrashedError).with.property('message').match(/^worker 1 died: called process.exit\(9\)/);
    expect(await restarts[0]!.placed, 'placed from the listener: on the replacement').to.deep.equal({ worker: 1, thread: after[1]!.thread });
  });

  it('after a worker dies in a task whose def it was still importing, the tasks it claimed behind it run on the replacement, in order', async () => {
    const before = await rt.broadcast(where, []);
    await rt.spawnOn(1, bump, []); // bump's def is loaded on worker 1; dieCold's is not
    const dying = rt.spawnOn(1, dieCold, [7]);
    const queued = Array.from({ length: 20 }, () => rt.spawnOn(1, bump, []));
    let crashed: unknown;
    try { await dying; } catch (error) { crashed = error; }
    expect(crashed).to.be.instanceOf(WorkerCrashedError);
    const ran = await Promise.allSettled(queued);
    const failed = ran.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    expect(failed, 'none of them had started').to.deep.equal([]);
    const done = ran.map((r) => (r as PromiseFulfilledResult<{ worker: number | undefined; thread: number; count: number }>).value);
    expect(new Set(done.map((d) => `${d.worker}@${d.thread}`)).size, 'all on one thread').to.equal(1);
    expect(done[0]!.worker).to.equal(1);
    expect(done[0]!.thread, 'the replacement').to.not.equal(before[1]!.thread);
    // The replacement's bump counter starts afresh: 1..20 is the order they were placed in.
    expect(done.map((d) => d.count)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('gives a held task cancelled before its worker died, then put back, its cancel reason', async () => {
    await rt.spawnOn(1, bump, []);
    const dying = rt.spawnOn(1, slowDie, [5]); // its module takes 300 ms to import on worker 1
    const held = Array.from({ length: 3 }, () => rt.spawnOn(1, bump, []));
    await new Promise((resolve) => setTimeout(resolve, 100)); // claimed and held behind it by now
    const reason = new Error('mine');
    void held[1]!.cancel(reason);
    const [first, ...rest] = await Promise.allSettled([dying, ...held]);
    expect((first as PromiseRejectedResult).reason).to.be.instanceOf(WorkerCrashedError);
    expect(rest.map((r) => r.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
    const error = (rest[1] as PromiseRejectedResult).reason as Error;
    expect(error).to.be.instanceOf(CancelledError);
    expect(error.cause, 'the reason given to cancel()').to.equal(reason);
  });

  it('gives cx.worker to both halves of a join run on a worker', async () => {
    for (const w of [0, 1]) {
      const r = await rt.spawnOn(w, joinWhere, []);
      expect([r.parent.worker, r.a.worker, r.b.worker]).to.deep.equal([w, w, w]);
    }
  });

  it('refuses a broadcast during and after shutdown by rejecting, not throwing', async () => {
    const own = await WorkStealingRuntime.create({ workers: 2, stealing: false });
    await own.broadcast(where, []);
    const closing = own.shutdown();
    const during = own.broadcast(where, []);
    await closing;
    const after = own.broadcast(where, []);
    for (const p of [during, after]) {
      let error: unknown;
      try { await p; } catch (e) { error = e; }
      expect(error).to.be.instanceOf(RuntimeShutdownError);
    }
  });
});

describe('cx.worker and placement on a stealing WorkStealingRuntime', function () {
  this.timeout(30_000);
  let rt: WorkStealingRuntime;
  before(async () => { rt = await WorkStealingRuntime.create({ workers: 2, blockingThreads: 1 }); });
  after(() => rt.shutdown());

  it('gives a worker\'s index as cx.worker and undefined off a worker (main thread, blocking thread)', async () => {
    const ran = await Promise.all(Array.from({ length: 8 }, () => rt.executor.spawn(where, [])));
    for (const r of ran) expect(r.worker).to.be.oneOf([0, 1]);
    expect((await rt.executor.spawnBlocking(where, [])).worker).to.equal(undefined);
    expect(await rt.run((cx) => cx.worker)).to.equal(undefined);
    expect(rt.stealing).to.equal(true);
    // A join's halves: a runs on the joining worker; b there too, or on the worker that stole it.
    const joined = await rt.executor.spawn(joinWhere, []);
    expect(joined.a).to.deep.equal(joined.parent);
    expect(joined.b.worker).to.equal(joined.b.thread === joined.parent.thread ? joined.parent.worker : 1 - joined.parent.worker!);
  });

  it('refuses spawnOn and broadcast with UnsupportedError (placement needs stealing: false)', async () => {
    expect(() => rt.spawnOn(0, where, [])).to.throw(UnsupportedError, /stealing: false/);
    let refused: unknown;
    try { await rt.broadcast(where, []); } catch (error) { refused = error; }
    expect(refused).to.be.instanceOf(UnsupportedError);
  });
});
