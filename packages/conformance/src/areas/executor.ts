// Area: the Executor — spawnLocal, spawn, spawnBlocking, join, yieldNow, run and metrics, results and errors.
import { expect } from 'chai';
import { NetError, type Task } from '@runtime-traits/core';
import type { Harness } from '../harness.js';
import * as tasks from '../tasks.js';
import { eventually, expectReject, expectSameBytes, expectSameRuntime, expectThrowSync, holds } from '../util.js';

export function executorArea(h: Harness): void {
  h.describe('executor', () => {
    h.describe('spawnLocal', () => {
      h.it('resolves with the value a synchronous body returns', async (t) => {
        expect(await t.ex.spawnLocal(() => 42)).to.equal(42);
      });
      h.it('resolves with the value an async body resolves to', async (t) => {
        expect(await t.ex.spawnLocal(async () => { await t.ex.yieldNow(); return 'done'; })).to.equal('done');
      });
      h.it('rejects with the very error a body throws', async (t) => {
        const boom = new Error('boom');
        const error = await t.ex.spawnLocal(() => { throw boom; }).then(() => undefined, (e: unknown) => e);
        expect(error).to.equal(boom);
      });
      h.it('rejects with a non-Error value a body throws, unchanged', async (t) => {
        const error = await t.ex.spawnLocal(() => { throw 'a string'; }).then(() => undefined, (e: unknown) => e);
        expect(error).to.equal('a string');
      });
      h.it('never runs the body synchronously inside the call', async (t) => {
        let ran = false;
        const task = t.ex.spawnLocal(() => { ran = true; });
        holds(!ran, 'the body to run after spawnLocal() returned', () => 'it ran inside the call');
        await task;
        holds(ran, 'the body to have run once the task was awaited', () => 'it never ran');
      });
      h.it('gives the body cx.runtime === the runtime itself', async (t) => {
        expectSameRuntime(await t.ex.spawnLocal((cx) => cx.runtime), t.rt, 'cx.runtime inside spawnLocal');
      });
      h.it('gives the body a signal that is not aborted', async (t) => {
        holds(!await t.ex.spawnLocal((cx) => cx.signal.aborted), 'a fresh task\'s cx.signal not aborted', () => 'it was aborted');
      });
      h.it('runs a thousand tasks, each with its own result', async (t) => {
        const handles = Array.from({ length: 1000 }, (_, i) => t.ex.spawnLocal(async () => { await t.ex.yieldNow(); return i * 2; }));
        const results = await Promise.all(handles);
        expect(results).to.deep.equal(Array.from({ length: 1000 }, (_, i) => i * 2));
      });
      h.it('runs tasks spawned from inside a task', async (t) => {
        const outer = await t.ex.spawnLocal(async (cx) => {
          const inner = cx.runtime.executor.spawnLocal(() => 'inner');
          return `outer+${await inner}`;
        });
        expect(outer).to.equal('outer+inner');
      });
      h.it('accepts opts.name and still runs the task', async (t) => {
        expect(await t.ex.spawnLocal(() => 7, { name: 'named task' })).to.equal(7);
      });
      h.it('resolves with the value of a returned thenable that is not a Promise', async (t) => {
        const thenable = { then: (resolve: (v: string) => void) => resolve('from thenable') };
        expect(await t.ex.spawnLocal(() => thenable as unknown as PromiseLike<string>)).to.equal('from thenable');
      });
      h.it('chains task.then(onfulfilled, onrejected) like a promise', async (t) => {
        expect(await t.ex.spawnLocal(() => 1).then((v) => v + 1)).to.equal(2);
        expect(await t.ex.spawnLocal(() => { throw new Error('e'); }).then(() => 'no', (e: Error) => e.message)).to.equal('e');
      });
      h.it('accepts { signal: undefined } in SpawnOptions', async (t) => {
        expect(await t.ex.spawnLocal(() => 3, { signal: undefined })).to.equal(3);
        expect(await t.ex.spawn(tasks.add, [1, 1], { signal: undefined })).to.equal(2);
      });
      h.it('lets a handle be awaited many times, always with the same value', async (t) => {
        const task = t.ex.spawnLocal(() => ({ n: 1 }));
        const [a, b] = await Promise.all([task, task]);
        expect(a).to.equal(b);
        expect(await task).to.equal(a);
      });
    });

    h.describe('spawn (portable tasks)', () => {
      h.it('runs a portable task and resolves with its result', async (t) => {
        expect(await t.ex.spawn(tasks.add, [2, 3])).to.equal(5);
      });
      h.it('runs an async portable task', async (t) => {
        expect(await t.ex.spawn(tasks.addLater, [20, 22])).to.equal(42);
      });
      h.it('never completes the task synchronously inside the call', async (t) => {
        const task = t.ex.spawn(tasks.add, [1, 1]);
        expect(task.state, 'state right after spawn()').to.be.oneOf(['pending', 'running']);
        expect(await task).to.equal(2);
      });
      h.it('carries structured-cloneable arguments and results intact', async (t) => {
        const value = { list: [1, 'two', null, [3]], map: new Map([['k', 1]]), date: new Date(86_400_000), big: 10n, bytes: new Uint8Array([1, 2, 3]), nested: { deep: { x: true } } };
        const back = await t.ex.spawn(tasks.echo, [value]) as typeof value;
        expect(back.list).to.deep.equal(value.list);
        expect([...back.map]).to.deep.equal([['k', 1]]);
        expect(back.date.getTime()).to.equal(86_400_000);
        expect(back.big).to.equal(10n);
        expect([...back.bytes]).to.deep.equal([1, 2, 3]);
        expect(back.nested.deep.x, 'back.nested.deep.x').to.equal(true);
      });
      h.it('carries undefined, null, NaN, -0 and a long string as arguments', async (t) => {
        const long = 'x'.repeat(100_000);
        const back = await t.ex.spawn(tasks.echo, [[undefined, null, NaN, -0, long]]) as unknown[];
        expect(back.length).to.equal(5);
        expect(back[0]).to.equal(undefined);
        expect(back[1]).to.equal(null);
        holds(Number.isNaN(back[2]), 'NaN to come back as NaN', () => String(back[2]));
        holds(Object.is(back[3], -0), '-0 to come back as -0', () => String(back[3]));
        expect(back[4]).to.equal(long);
      });
      h.it('resolves undefined for a task that returns nothing', async (t) => {
        expect(await t.ex.spawn(tasks.echo, [undefined])).to.equal(undefined);
      });
      h.it('returns a Uint8Array result intact (64 KiB)', async (t) => {
        const bytes = await t.ex.spawn(tasks.makeBytes, [65536, 9]);
        expect(bytes).to.be.instanceOf(Uint8Array);
        const expected = new Uint8Array(65536).map((_, i) => (i * 7 + 9) & 255);
        expectSameBytes(bytes, expected);
      });
      h.it('accepts SpawnOptions.transfer for an ArrayBuffer argument', async (t) => {
        const buffer = new Uint8Array([1, 2, 3, 4]).buffer;
        expect(await t.ex.spawn(tasks.sumBuffer, [buffer], { transfer: [buffer] })).to.equal(10);
      });
      h.it('rejects with a TypeError of the same message when the task throws one', async (t) => {
        await expectReject(t.ex.spawn(tasks.failWith, ['TypeError', 'bad thing']), TypeError, { message: /^bad thing$/ });
      });
      h.it('rejects with the task\'s async rejection', async (t) => {
        await expectReject(t.ex.spawn(tasks.failLater, ['later']), TypeError, { message: /^later$/ });
      });
      h.it('rejects with a TypeError when the def\'s module does not define it (async, not at the call)', async (t) => {
        let task: Task<number> | undefined;
        expect(() => { task = t.ex.spawn(tasks.undefinedHere, []); }, 'spawn of a def its module does not define').to.not.throw();
        await expectReject(task!, TypeError, { message: /neverDefinedHere/ });
      });
      h.it('runs a def defined under a name that is not its export name (as after a bundler renamed it)', async (t) => {
        expect(await t.ex.spawn(tasks.renamed, [1]), 'result of the renamed def').to.equal(101);
      });
      h.it('rejects with a TypeError when the def\'s module cannot be imported', async (t) => {
        await expectReject(t.ex.spawn(tasks.missingModule, []), TypeError);
      });
      h.it('gives the task a context with a signal and a runtime', async (t) => {
        const seen = await t.ex.spawn(tasks.inspectContext, []);
        expect(seen).to.deep.equal({ aborted: false, hasSignal: true, runtimeName: seen.runtimeName, hasExecutor: true, hasClock: true, worker: seen.worker });
        expect(seen.runtimeName).to.be.a('string');
        expect(seen.worker, 'cx.worker: undefined, or a pool worker\'s index').to.be.oneOf(['undefined', 'index']);
      });
      h.it('gives cx.worker as undefined to tasks on the caller\'s own thread (spawnLocal)', async (t) => {
        expect(await t.ex.spawnLocal((cx) => cx.worker), 'cx.worker in spawnLocal on the caller\'s thread').to.equal(undefined);
      });
      h.it('lets a task sleep on cx.runtime\'s clock', async (t) => {
        const [start, end] = await t.ex.spawn(tasks.sleepFor, [20]);
        expect(end - start).to.be.at.least(20);
      });
      h.it('lets a task spawn another through cx.runtime', async (t) => {
        expect(await t.ex.spawn(tasks.spawnNested, [4, 5])).to.equal(9);
      });
      h.it('runs two hundred portable tasks concurrently', async (t) => {
        const results = await Promise.all(Array.from({ length: 200 }, (_, i) => t.ex.spawn(tasks.add, [i, 1])));
        expect(results).to.deep.equal(Array.from({ length: 200 }, (_, i) => i + 1));
      });
      h.it('runs portable tasks on other threads than the caller\'s', async (t) => {
        const here = await tasks.whereAmI.fn(t.cx);
        const places = await Promise.all(Array.from({ length: 16 }, () => t.ex.spawn(tasks.whereAmI, [])));
        holds(places.some((p) => p !== here), `some of 16 tasks on another thread than the caller's (${here})`, () => 'all ran on the caller\'s thread');
      }, { needs: ['spawn.parallel'] });
      h.it('spawns portable tasks from inside spawnLocal', async (t) => {
        expect(await t.ex.spawnLocal(async (cx) => cx.runtime.executor.spawn(tasks.add, [1, 2]))).to.equal(3);
      });
    });

    h.describe('spawnBlocking', () => {
      h.it('runs a portable task and resolves with its result', async (t) => {
        expect(await t.ex.spawnBlocking(tasks.add, [40, 2])).to.equal(42);
      });
      h.it('never completes the task synchronously inside the call', async (t) => {
        const task = t.ex.spawnBlocking(tasks.add, [1, 1]);
        expect(task.state).to.be.oneOf(['pending', 'running']);
        expect(await task).to.equal(2);
      });
      h.it('rejects with the task\'s TypeError, same message', async (t) => {
        await expectReject(t.ex.spawnBlocking(tasks.failWith, ['TypeError', 'blocked badly']), TypeError, { message: /^blocked badly$/ });
      });
      h.it('rejects with a NetError keeping its code', async (t) => {
        await expectReject(t.ex.spawnBlocking(tasks.failWith, ['NetError', 'reset', 'ECONNRESET']), NetError, { code: 'ECONNRESET', message: /^reset$/ });
      });
      h.it('rejects with a TypeError when the def\'s module does not define it', async (t) => {
        await expectReject(t.ex.spawnBlocking(tasks.undefinedHere, []), TypeError, { message: /neverDefinedHere/ });
      });
      h.it('runs a def defined under a name that is not its export name (as after a bundler renamed it)', async (t) => {
        expect(await t.ex.spawnBlocking(tasks.renamed, [2]), 'result of the renamed def').to.equal(102);
      });
      h.it('carries structured-cloneable arguments and results intact', async (t) => {
        expect(await t.ex.spawnBlocking(tasks.echo, [{ a: [1, { b: 'c' }] }])).to.deep.equal({ a: [1, { b: 'c' }] });
      });
      h.it('runs off the event loop\'s thread', async (t) => {
        const here = await t.ex.spawnLocal(() => tasks.threadId.fn(t.cx));
        const there = await t.ex.spawnBlocking(tasks.threadId, []);
        expect(there, 'spawnBlocking ran on the event loop\'s own thread').to.not.equal(here);
      }, { needs: ['spawn.blocking'] });
      h.it('runs several blocking tasks concurrently, each with its own result', async (t) => {
        const results = await Promise.all(Array.from({ length: 8 }, (_, i) => t.ex.spawnBlocking(tasks.fib, [10 + i])));
        expect(results).to.deep.equal([55, 89, 144, 233, 377, 610, 987, 1597]);
      });
    });

    h.describe('join', () => {
      h.it('returns [ra, rb] synchronously', (t) => {
        const result = t.ex.join(tasks.fib, [15], tasks.add, [1, 2]);
        expect(result).to.be.an('array').that.deep.equals([610, 3]);
      });
      h.it('throws the error a throws', (t) => {
        expectThrowSync(() => t.ex.join(tasks.failWith, ['RangeError', 'a failed'], tasks.fib, [5]), RangeError, { message: /^a failed$/ });
      });
      h.it('throws the error b throws', (t) => {
        expectThrowSync(() => t.ex.join(tasks.fib, [5], tasks.failWith, ['TypeError', 'b failed']), TypeError, { message: /^b failed$/ });
      });
      h.it('throws a\'s error only once b is done or never started (never while b still runs)', (t) => {
        const shared = new SharedArrayBuffer(8);
        expectThrowSync(() => t.ex.join(tasks.failWith, ['TypeError', 'a failed fast'], tasks.markAndBlock, [shared, 50]), TypeError, { message: /a failed fast/ });
        expect(Atomics.load(new Int32Array(shared), 0), 'join threw while b was still running').to.be.oneOf([0, 2]);
      }, { host: ['shared-memory', 'blocking-wait'] });
      h.it('shares a SharedArrayBuffer with both sides', (t) => {
        const shared = new SharedArrayBuffer(8);
        expect(t.ex.join(tasks.markAndBlock, [shared, 1], tasks.add, [1, 1])).to.deep.equal([2, 2]);
        expect(Atomics.load(new Int32Array(shared), 0), 'the mark b left in the shared memory').to.equal(2);
      }, { host: ['shared-memory', 'blocking-wait'] });
      h.it('throws a TypeError naming a when a returns a promise', (t) => {
        expectThrowSync(() => t.ex.join(tasks.returnsPromise, [1], tasks.fib, [3]), TypeError, { message: /\ba\b/ });
      });
      h.it('throws a TypeError naming b when b returns a promise', (t) => {
        expectThrowSync(() => t.ex.join(tasks.fib, [3], tasks.returnsPromise, [1]), TypeError, { message: /\bb\b/ });
      });
      h.it('nests: a join inside a spawned task', async (t) => {
        const result = await t.ex.spawnLocal((cx) => cx.runtime.executor.join(tasks.fib, [10], tasks.fib, [11]));
        expect(result).to.deep.equal([55, 89]);
      });
    });

    h.describe('yieldNow', () => {
      h.it('resolves', async (t) => {
        await t.ex.yieldNow();
      });
      h.it('lets another ready task run before the caller continues', async (t) => {
        let other = false;
        const task = t.ex.spawnLocal(() => { other = true; });
        await t.ex.yieldNow();
        await t.ex.yieldNow();
        holds(other, 'the other task to have run once yieldNow() resolved', () => 'it had not run');
        await task;
      });
      h.it('lets a due timer fire in a loop that only yields (a busy task cannot starve the reactor)', async (t) => {
        let fired = false;
        void t.clock.sleep(1).then(() => { fired = true; });
        let rounds = 0;
        while (!fired && rounds < 100_000) { await t.ex.yieldNow(); rounds++; }
        holds(fired, 'the timer to fire while a task loops on yieldNow()', () => `it had not fired after ${rounds} yieldNow() calls`);
      }, { lacks: 'time.virtual' });
      h.it('interleaves two tasks that yield in turn', async (t) => {
        const trace: string[] = [];
        const worker = (name: string) => async () => {
          for (let i = 0; i < 3; i++) { trace.push(`${name}${i}`); await t.ex.yieldNow(); }
        };
        await Promise.all([t.ex.spawnLocal(worker('a')), t.ex.spawnLocal(worker('b'))]);
        const firstB = trace.indexOf('b0');
        const lastA = trace.indexOf('a2');
        expect(firstB, `trace ${trace.join(' ')}`).to.be.below(lastA);
      });
    });

    h.describe('run', () => {
      h.it('returns what main returns', async (t) => {
        expect(await t.rt.run(() => 'main result')).to.equal('main result');
      }, { outside: true });
      h.it('rejects with the error main throws', async (t) => {
        const boom = new RangeError('main failed');
        const error = await t.rt.run(() => { throw boom; }).then(() => undefined, (e: unknown) => e);
        expect(error).to.equal(boom);
      }, { outside: true });
      h.it('can be called again after it returned', async (t) => {
        expect(await t.rt.run(() => 1)).to.equal(1);
        expect(await t.rt.run(async (cx) => { await cx.runtime.reactor.clock.sleep(1); return 2; })).to.equal(2);
      }, { outside: true });
      h.it('gives main cx.runtime === the runtime itself', async (t) => {
        expectSameRuntime(await t.rt.run((cx) => cx.runtime), t.rt, 'cx.runtime inside run()');
      }, { outside: true });
      h.it('waits for an async main that awaits spawned tasks', async (t) => {
        const result = await t.rt.run(async (cx) => {
          const a = cx.runtime.executor.spawn(tasks.addLater, [1, 2]);
          await cx.runtime.reactor.clock.sleep(5);
          return (await a) * 10;
        });
        expect(result).to.equal(30);
      }, { outside: true });
    });

    h.describe('task ids and metrics', () => {
      h.it('gives every task a unique positive integer id', async (t) => {
        const handles = [
          ...Array.from({ length: 20 }, () => t.ex.spawnLocal(() => 1)),
          ...Array.from({ length: 20 }, () => t.ex.spawn(tasks.add, [1, 1])),
        ];
        const ids = handles.map((task) => task.id);
        for (const id of ids) holds(Number.isInteger(id) && id > 0, 'task ids that are positive integers', () => `id ${String(id)}`);
        expect(new Set(ids).size).to.equal(ids.length);
        await Promise.all(handles);
      });
      h.it('metrics() reports spawned, completed, failed, cancelled, active and queueDepth as numbers', (t) => {
        const m = t.rt.metrics();
        for (const key of ['spawned', 'completed', 'failed', 'cancelled', 'active', 'queueDepth']) {
          expect(m[key], key).to.be.a('number');
        }
      });
      h.it('metrics() counts spawned, completed and failed tasks', async (t) => {
        const before = t.rt.metrics();
        await t.ex.spawnLocal(() => 1);
        await t.ex.spawn(tasks.add, [1, 2]);
        await t.ex.spawnLocal(() => { throw new Error('x'); }).then(undefined, () => undefined);
        const after = t.rt.metrics();
        expect(after.spawned - before.spawned).to.be.at.least(3);
        expect(after.completed - before.completed).to.be.at.least(2);
        expect(after.failed - before.failed).to.be.at.least(1);
      });
      h.it('metrics() counts an active task while it runs and not after', async (t) => {
        const gate = new AbortController();
        const task = t.ex.spawnLocal(() => new Promise<void>((resolve) => gate.signal.addEventListener('abort', () => resolve())));
        await t.ex.yieldNow();
        expect(t.rt.metrics().active).to.be.at.least(1);
        const during = t.rt.metrics().active;
        gate.abort();
        await task;
        await eventually(t, () => t.rt.metrics().active < during, 'active dropped after the task finished');
      });
    });
  });
}
