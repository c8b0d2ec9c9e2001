// Area: the Clock — now and wallClock, sleep measured on the runtime's own clock, interval, timeout.
import { expect } from 'chai';
import { CancelledError, TimeoutError } from '@runtime-traits/core';
import type { Harness } from '../harness.js';
import * as tasks from '../tasks.js';
import { describeError, expectError, expectReject, expectThrowSync, holds, never, settle } from '../util.js';

const HOUR = 3_600_000;

export function clockArea(h: Harness): void {
  h.describe('clock', () => {
    h.describe('now and wallClock', () => {
      h.it('now() is a finite number that never goes backwards', async (t) => {
        let last = t.clock.now();
        holds(Number.isFinite(last), 'now() to be a finite number', () => String(last));
        for (let i = 0; i < 50; i++) {
          if (i % 10 === 0) await t.clock.sleep(1); else await t.ex.yieldNow();
          const now = t.clock.now();
          expect(now).to.be.at.least(last);
          last = now;
        }
      });
      h.it('wallClock() is a finite number of epoch ms that advances with sleeps', async (t) => {
        const before = t.clock.wallClock();
        holds(Number.isFinite(before), 'wallClock() to be a finite number', () => String(before));
        await t.clock.sleep(30);
        expect(t.clock.wallClock() - before).to.be.at.least(29);
      });
      h.describe('read on another thread', () => {
        // A task's now() must lie between its caller's readings before and after: every thread of a
        // runtime reads one clock. (Bun and Deno count process.hrtime per thread: a clock built on it
        // is hundreds of ms behind on a worker.) SLACK_MS absorbs only the clocks' rounding.
        const SLACK_MS = 1;
        const between = (what: string, before: number, seen: number, after: number): void => {
          if (!(seen >= before - SLACK_MS && seen <= after + SLACK_MS)) {
            expect.fail(`${what}: expected a now() between the caller's readings ${before.toFixed(3)} and ${after.toFixed(3)} `
              + `(give or take ${SLACK_MS} ms), got ${seen.toFixed(3)} (${(seen - before).toFixed(3)} ms after the first)`);
          }
        };
        h.it('a spawned task reads a now() between the caller\'s before and after', async (t) => {
          const before = t.clock.now();
          const seen = await t.ex.spawn(tasks.clockNow, []);
          between('now() inside spawn', before, seen, t.clock.now());
        });
        h.it('a blocking task reads a now() between the caller\'s before and after', async (t) => {
          const before = t.clock.now();
          const seen = await t.ex.spawnBlocking(tasks.clockNow, []);
          between('now() inside spawnBlocking', before, seen, t.clock.now());
        });
        h.it('a task spawned by a task (on a worker, where the runtime has them) reads a now() between the caller\'s before and after', async (t) => {
          const before = t.clock.now();
          const [outer, inner] = await t.ex.spawn(tasks.clockNowNested, []);
          const after = t.clock.now();
          between('now() inside spawn', before, outer, after);
          between('now() inside a task spawned from inside spawn', before, inner, after);
        });
      });
    });

    h.describe('sleep', () => {
      h.it('resolves no earlier than now() + ms', async (t) => {
        const start = t.clock.now();
        await t.clock.sleep(50);
        expect(t.clock.now() - start).to.be.at.least(50);
      });
      h.it('resolves a 250 ms sleep no earlier than now() + 250', async (t) => {
        const start = t.clock.now();
        await t.clock.sleep(250);
        expect(t.clock.now() - start).to.be.at.least(250);
      });
      h.it('resolves sleep(0), asynchronously', async (t) => {
        let done = false;
        const promise = t.clock.sleep(0).then(() => { done = true; });
        holds(!done, 'sleep(0) to resolve after the call returned', () => 'it resolved inside the call');
        await promise;
        holds(done, 'sleep(0) to have resolved once awaited', () => 'it had not');
      });
      h.it('resolves a fractional sleep no earlier than its deadline', async (t) => {
        const start = t.clock.now();
        await t.clock.sleep(2.5);
        expect(t.clock.now() - start).to.be.at.least(2.5 - 1e-9);
      });
      h.it('resolves concurrent sleeps in deadline order', async (t) => {
        const order: number[] = [];
        await Promise.all([40, 10, 25].map((ms) => t.clock.sleep(ms).then(() => order.push(ms))));
        expect(order).to.deep.equal([10, 25, 40]);
      });
      h.it('resolves a thousand concurrent sleeps', async (t) => {
        const start = t.clock.now();
        await Promise.all(Array.from({ length: 1000 }, (_, i) => t.clock.sleep(i % 20)));
        expect(t.clock.now() - start).to.be.at.least(19);
      });
      h.it('rejects with CancelledError (cause = the signal\'s reason) when aborted', async (t) => {
        const controller = new AbortController();
        const start = t.clock.now();
        const sleeping = t.clock.sleep(HOUR, { signal: controller.signal });
        await t.clock.sleep(5);
        const reason = new Error('woken early');
        controller.abort(reason);
        const error = await expectReject(sleeping, CancelledError, { code: 'ABORT_ERR', name: 'AbortError' }) as Error;
        expect(error.cause).to.equal(reason);
        expect(t.clock.now() - start).to.be.below(HOUR);
      });
      h.it('rejects at once for an already-aborted signal', async (t) => {
        const start = t.clock.now();
        const reason = new Error('already');
        const error = await expectReject(t.clock.sleep(HOUR, { signal: AbortSignal.abort(reason) }), CancelledError) as Error;
        expect(error.cause).to.equal(reason);
        expect(t.clock.now() - start).to.be.below(HOUR);
      });
      h.it('resolves normally when its signal is never aborted', async (t) => {
        const controller = new AbortController();
        await t.clock.sleep(5, { signal: controller.signal });
        controller.abort(); // after the fact: nothing may happen
        await t.clock.sleep(1);
      });
      h.it('accepts sleep(ms, {}) and sleep(ms, { signal: undefined })', async (t) => {
        await t.clock.sleep(1, {});
        await t.clock.sleep(1, { signal: undefined });
      });
      h.it('an hour-long sleep completes (virtual time)', async (t) => {
        const start = t.clock.now();
        await t.clock.sleep(HOUR);
        expect(t.clock.now() - start).to.be.at.least(HOUR);
      }, { needs: ['time.virtual'] });
      h.it('sleeps exactly until the deadline on a virtual clock', async (t) => {
        const start = t.clock.now();
        await t.clock.sleep(1234);
        expect(t.clock.now() - start).to.equal(1234);
      }, { needs: ['time.virtual'] });
      h.it('sleeps inside a task are measured on the same clock', async (t) => {
        const [start, end] = await t.ex.spawnLocal(async (cx) => {
          const c = cx.runtime.reactor.clock;
          const s = c.now();
          await c.sleep(30);
          return [s, c.now()];
        });
        expect(end - start).to.be.at.least(30);
      });
    });

    h.describe('interval', () => {
      h.it('first tick comes after ms, and it yields now()', async (t) => {
        const start = t.clock.now();
        const ticks = t.clock.interval(20);
        const first = await ticks.next();
        const after = t.clock.now();
        await ticks.return?.();
        holds(first.done === false, 'a first tick from interval()', () => 'done: true');
        expect(first.value - start).to.be.at.least(20);
        expect(first.value).to.be.at.most(after);
      });
      h.it('k-th tick comes no earlier than start + k·ms', async (t) => {
        const start = t.clock.now();
        const values: number[] = [];
        for await (const now of t.clock.interval(10)) {
          values.push(now);
          if (values.length === 5) break;
        }
        values.forEach((v, i) => expect(v - start, `tick ${i + 1}`).to.be.at.least((i + 1) * 10));
        for (let i = 1; i < values.length; i++) expect(values[i]).to.be.at.least(values[i - 1]!);
      });
      h.it('keeps to the start + k·ms grid: after a slow consumer, an overdue tick comes at once (no drift)', async (t) => {
        const ticks = t.clock.interval(150);
        await ticks.next();          // tick 1, due at start + 150
        await t.clock.sleep(225);    // a slow consumer: tick 2 (due at start + 300) is overdue now
        const asked = t.clock.now();
        const second = await ticks.next();
        await ticks.return?.();
        // On the grid tick 2 is already due and comes at once; an interval that restarts its delay
        // after each tick makes the consumer wait another full period.
        expect(second.value - asked, 'an overdue tick waited another period').to.be.below(150);
      });
      h.it('ends on break: next() afterwards reports done', async (t) => {
        const ticks = t.clock.interval(5);
        for await (const _ of ticks) break;
        const after = await ticks.next();
        holds(after.done === true, 'next() after break to report done', () => `a tick (${String(after.value)})`);
      });
      h.it('ends on return(): next() afterwards reports done without waiting', async (t) => {
        const ticks = t.clock.interval(HOUR);
        await ticks.return?.();
        const start = t.clock.now();
        const after = await ticks.next();
        holds(after.done === true, 'next() after return() to report done', () => `a tick (${String(after.value)})`);
        expect(t.clock.now() - start).to.be.below(HOUR);
      });
      h.it('rejects a pending next() with CancelledError when its signal aborts', async (t) => {
        const controller = new AbortController();
        const ticks = t.clock.interval(HOUR, { signal: controller.signal });
        const pending = ticks.next();
        await t.clock.sleep(5);
        controller.abort();
        await expectReject(pending, CancelledError, { code: 'ABORT_ERR' });
      });
      h.it('rejects the first next() at once for an already-aborted signal', async (t) => {
        const ticks = t.clock.interval(HOUR, { signal: AbortSignal.abort() });
        await expectReject(ticks.next(), CancelledError);
      });
      h.it('stops ticking after an abort (later next() does not yield a tick)', async (t) => {
        const controller = new AbortController();
        const ticks = t.clock.interval(5, { signal: controller.signal });
        await ticks.next();
        controller.abort();
        const outcome = await settle(ticks.next());
        if ('value' in outcome) holds(outcome.value.done === true, 'next() after an abort to report done or reject', () => `a tick (${String(outcome.value.value)})`);
        else expectError(outcome.error, CancelledError);
      });
      h.it('throws RangeError for ms = 0', (t) => {
        expectThrowSync(() => t.clock.interval(0), RangeError, { message: /ms/ });
      });
      h.it('is an async iterable iterator (returns itself from Symbol.asyncIterator)', async (t) => {
        const ticks = t.clock.interval(10);
        expect(ticks[Symbol.asyncIterator]()).to.equal(ticks);
        await ticks.return?.();
      });
    });

    h.describe('timeout', () => {
      h.it('resolves with the work\'s value when it settles first', async (t) => {
        expect(await t.clock.timeout(1000, t.clock.sleep(5).then(() => 'work'))).to.equal('work');
      });
      h.it('lets work due before the deadline win (work at 60 ms, deadline at 100 ms)', async (t) => {
        // Both are timers of this clock, so their order does not depend on how busy the machine is.
        expect(await t.clock.timeout(100, t.clock.sleep(60).then(() => 'work'))).to.equal('work');
      });
      h.it('rejects with the work\'s error when it fails first', async (t) => {
        const boom = new RangeError('work failed');
        const error = await t.clock.timeout(1000, Promise.reject(boom)).then(() => undefined, (e: unknown) => e);
        expect(error).to.equal(boom);
      });
      h.it('rejects with TimeoutError (ETIMEDOUT), no earlier than the deadline', async (t) => {
        const start = t.clock.now();
        await expectReject(t.clock.timeout(30, never()), TimeoutError, { code: 'ETIMEDOUT', name: 'TimeoutError' });
        expect(t.clock.now() - start).to.be.at.least(30);
      });
      h.it('accepts a Task (a PromiseLike, not a Promise) as work', async (t) => {
        const task = t.ex.spawnLocal(async () => { await t.clock.sleep(5); return 'task result'; });
        expect(await t.clock.timeout(HOUR, task)).to.equal('task result');
      });
      h.it('times out a Task that outlives the deadline', async (t) => {
        const task = t.ex.spawnLocal((cx) => t.clock.sleep(HOUR, { signal: cx.signal }));
        await expectReject(t.clock.timeout(20, task), TimeoutError);
        await task.cancel();
      });
      h.it('times out timeout(0, never)', async (t) => {
        await expectReject(t.clock.timeout(0, never()), TimeoutError);
      });
      h.it('aborts the function form\'s signal with the TimeoutError itself', async (t) => {
        let signal: AbortSignal | undefined;
        const error = await expectReject(t.clock.timeout(20, (s) => { signal = s; return never(); }), TimeoutError);
        holds(signal!.aborted, 'the work\'s signal to be aborted at the deadline', () => 'it was not aborted');
        expect(signal!.reason, 'the work\'s signal\'s reason').to.equal(error);
      });
      h.it('lets the function form\'s work stop on the signal (an abortable sleep)', async (t) => {
        const start = t.clock.now();
        await expectReject(t.clock.timeout(20, (signal) => t.clock.sleep(HOUR, { signal })), TimeoutError);
        expect(t.clock.now() - start).to.be.below(HOUR);
      });
      h.it('leaves the function form\'s signal alone when the work wins', async (t) => {
        let signal: AbortSignal | undefined;
        expect(await t.clock.timeout(HOUR, async (s) => { signal = s; await t.clock.sleep(5); return 1; })).to.equal(1);
        await t.clock.sleep(10);
        holds(!signal!.aborted, 'the work\'s signal left alone once the work won', () => `it was aborted (${describeError(signal!.reason)})`);
      });
      h.it('rejects with the error the function form throws synchronously', async (t) => {
        const boom = new TypeError('sync throw');
        const error = await settle(t.clock.timeout(1000, () => { throw boom; }));
        expect(error).to.deep.equal({ error: boom });
      });
      h.it('an hour-long timeout fires (virtual time)', async (t) => {
        const start = t.clock.now();
        await expectReject(t.clock.timeout(HOUR, never()), TimeoutError);
        expect(t.clock.now() - start).to.equal(HOUR);
      }, { needs: ['time.virtual'] });
    });
  });
}
