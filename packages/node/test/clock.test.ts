// The clock: sleeps measured on the runtime's own clock, cancellation, long sleeps, interval, timeout, shutdown.
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { expect } from 'chai';
import { CancelledError, RuntimeShutdownError, TimeoutError } from '@runtime-traits/core';
import { NodeReactor, NodeRuntime } from '../src/index.js';

describe('NodeRuntime clock', () => {
  let rt: NodeRuntime;
  beforeEach(async () => { rt = await NodeRuntime.create(); });
  afterEach(() => rt.shutdown());

  it('should resolve sleep(ms) no earlier than now() + ms on its own clock', async () => {
    const clock = rt.reactor.clock;
    for (const ms of [1, 5, 25]) {
      const before = clock.now();
      await clock.sleep(ms);
      expect(clock.now()).to.be.at.least(before + ms);
    }
  });

  it('should report wall-clock time in epoch milliseconds', () => {
    const wall = rt.reactor.clock.wallClock();
    expect(Math.abs(wall - Date.now())).to.be.below(1000);
  });

  it('should resolve sleep(0) asynchronously', async () => {
    let done = false;
    const sleeping = rt.reactor.clock.sleep(0).then(() => { done = true; });
    expect(done).to.equal(false);
    await sleeping;
    expect(done).to.equal(true);
  });

  it('should reject a cancelled sleep with CancelledError carrying the reason', async () => {
    const controller = new AbortController();
    const sleeping = rt.reactor.clock.sleep(60_000, { signal: controller.signal });
    const reason = new Error('no longer needed');
    controller.abort(reason);
    const outcome = await sleeping.then(() => 'resolved', (e: unknown) => e);
    expect(CancelledError.is(outcome)).to.equal(true);
    expect((outcome as Error).cause).to.equal(reason);
    expect(rt.reactor.clock.pendingCount).to.equal(0);
  });

  it('should reject at once for an already-aborted signal', async () => {
    const outcome = await rt.reactor.clock.sleep(10, { signal: AbortSignal.abort('early') }).then(() => 'resolved', (e: unknown) => e);
    expect(CancelledError.is(outcome)).to.equal(true);
  });

  it('should chain timers for a sleep longer than 2^31-1 ms (and cancel it cleanly)', async () => {
    const controller = new AbortController();
    const sleeping = rt.reactor.clock.sleep(2 ** 31 + 5_000, { signal: controller.signal });
    let settled = false;
    void sleeping.then(() => { settled = true; }, () => { settled = true; });
    await rt.reactor.clock.sleep(5);
    expect(settled).to.equal(false); // setTimeout would have clamped this to 1 ms
    controller.abort();
    await sleeping.catch(() => undefined);
  });

  it('should throw RangeError/TypeError naming ms for bad durations', () => {
    const clock = rt.reactor.clock;
    expect(() => clock.sleep(-1)).to.throw(RangeError, /ms/);
    expect(() => clock.sleep(Number.NaN)).to.throw(RangeError, /ms/);
    expect(() => clock.sleep('5' as never)).to.throw(TypeError, /ms/);
    expect(() => clock.interval(0)).to.throw(RangeError, /ms/);
  });

  it('should tick an interval after each period, yielding now()', async () => {
    const clock = rt.reactor.clock;
    const start = clock.now();
    const ticks: number[] = [];
    for await (const at of clock.interval(5)) {
      ticks.push(at);
      if (ticks.length === 3) break;
    }
    expect(ticks[0]).to.be.at.least(start + 5);
    expect(ticks[2]).to.be.at.least(start + 15);
    expect(clock.pendingCount).to.equal(0); // break released the timer
  });

  it('should reject an interval\'s next() with CancelledError on abort', async () => {
    const controller = new AbortController();
    const ticks = rt.reactor.clock.interval(60_000, { signal: controller.signal });
    const next = ticks.next();
    controller.abort();
    const outcome = await next.then(() => 'resolved', (e: unknown) => e);
    expect(CancelledError.is(outcome)).to.equal(true);
  });

  it('should time out slow work with TimeoutError and abort the work\'s signal', async () => {
    let workSignal: AbortSignal | undefined;
    const outcome = await rt.reactor.clock.timeout(10, (signal) => {
      workSignal = signal;
      return new Promise<string>(() => {});
    }).then(() => 'resolved', (e: unknown) => e);
    expect(TimeoutError.is(outcome)).to.equal(true);
    expect((outcome as TimeoutError).code).to.equal('ETIMEDOUT');
    expect(workSignal!.aborted).to.equal(true);
    expect(workSignal!.reason).to.equal(outcome);
  });

  it('should let work that settles first win a timeout', async () => {
    expect(await rt.reactor.clock.timeout(60_000, Promise.resolve('fast'))).to.equal('fast');
    expect(rt.reactor.clock.pendingCount).to.equal(0);
  });

  it('should share one host timer among sleeps due in the same millisecond, and resolve none early', async () => {
    const clock = rt.reactor.clock;
    const n = 2_000;
    const ends: number[] = [];
    const deadlines: number[] = [];
    const all: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      deadlines.push(clock.now() + 5);
      all.push(clock.sleep(5).then(() => { ends[i] = clock.now(); }));
    }
    expect(clock.pendingCount).to.equal(n);
    expect(clock.timerCount).to.be.at.least(1).and.below(n / 10); // a burst lands in a few millisecond groups
    await Promise.all(all);
    for (let i = 0; i < n; i++) expect(ends[i]).to.be.at.least(deadlines[i]!);
    expect(clock.pendingCount).to.equal(0);
    expect(clock.timerCount).to.equal(0);
  });

  it('should resolve sleeps sharing a timer in deadline order, not in the order they were made', async () => {
    const clock = rt.reactor.clock;
    // Start just after a millisecond boundary of performance.now(), so both deadlines fall in one
    // millisecond (tried again if this thread was preempted in between and they did not).
    const order: string[] = [];
    let made = 0;
    let later: Promise<unknown> | undefined;
    let sooner: Promise<unknown> | undefined;
    for (let attempt = 0; attempt < 50 && clock.timerCount !== 1; attempt++) {
      await Promise.all([later, sooner]);
      order.length = 0;
      while (performance.now() % 1 > 0.05) { /* spin */ }
      made = clock.now();
      later = clock.sleep(2.9).then(() => order.push(`2.9 at +${clock.now() - made}`));
      sooner = clock.sleep(2.5).then(() => order.push(`2.5 at +${clock.now() - made}`));
    }
    expect(clock.timerCount).to.equal(1);
    await Promise.all([later, sooner]);
    expect(order.map((line) => line.split(' ')[0])).to.deep.equal(['2.5', '2.9']);
    expect(Number(order[1]!.split('+')[1])).to.be.at.least(2.9);
  });

  it('should clear a group\'s host timer once every sleep in it is aborted', async () => {
    const clock = rt.reactor.clock;
    const controller = new AbortController();
    setMaxListeners(200, controller.signal);
    const all = Array.from({ length: 100 }, () => clock.sleep(60_000, { signal: controller.signal }).catch(() => 'aborted'));
    expect(clock.timerCount).to.be.at.least(1);
    controller.abort();
    expect(await Promise.all(all)).to.deep.equal(new Array(100).fill('aborted'));
    expect(clock.pendingCount).to.equal(0);
    expect(clock.timerCount).to.equal(0);
  });

  it('should reject pending sleeps with RuntimeShutdownError on shutdown, and later ones too', async () => {
    const sleeping = rt.reactor.clock.sleep(60_000);
    await rt.shutdown();
    const outcome = await sleeping.then(() => 'resolved', (e: unknown) => e);
    expect(RuntimeShutdownError.is(outcome)).to.equal(true);
    const later = await rt.reactor.clock.sleep(1).then(() => 'resolved', (e: unknown) => e);
    expect(RuntimeShutdownError.is(later)).to.equal(true);
  });
});

describe('NodeReactor (standalone)', () => {
  it('should sleep and close, rejecting what was pending', async () => {
    const reactor = new NodeReactor();
    const before = reactor.clock.now();
    await reactor.clock.sleep(3);
    expect(reactor.clock.now()).to.be.at.least(before + 3);
    const pending = reactor.clock.sleep(60_000);
    await reactor.close();
    expect(RuntimeShutdownError.is(await pending.catch((e: unknown) => e))).to.equal(true);
  });
});
