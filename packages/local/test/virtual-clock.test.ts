// The virtual clock: exact wake-ups, time that jumps only when every task is idle, one turn per instant.
import { CancelledError, TimeoutError } from '@runtime-traits/core';
import { expect } from 'chai';
import { LocalRuntime, VIRTUAL_EPOCH } from '../src/index.js';

describe('LocalRuntime virtual clock', () => {
  let rt: LocalRuntime;
  beforeEach(async () => { rt = await LocalRuntime.create({ seed: 1 }); });
  afterEach(() => rt.shutdown());

  it('wakes sleep(ms) at exactly now() + ms, fractions included', async () => {
    const seen = await rt.run(async (cx) => {
      const { clock } = cx.runtime.reactor;
      const out: number[] = [];
      for (const ms of [5, 0.25, 1000, 0]) {
        const before = clock.now();
        await clock.sleep(ms);
        out.push(clock.now() - before);
      }
      return out;
    });
    expect(seen).to.deep.equal([5, 0.25, 1000, 0]);
  });

  it('runs an hour-long timeout without waiting an hour, rejecting TimeoutError exactly at the deadline', async () => {
    const started = Date.now();
    const outcome = await rt.run(async (cx) => {
      const { clock } = cx.runtime.reactor;
      const error = await clock.timeout(3_600_000, new Promise(() => {})).catch((e: unknown) => e);
      return { error, now: clock.now() };
    });
    expect(TimeoutError.is(outcome.error)).to.equal(true);
    expect(outcome.now).to.equal(3_600_000);
    expect(Date.now() - started).to.be.lessThan(10_000); // an hour, in far less than an hour
  });

  it("calls a timeout's timer off as soon as its work wins, in both forms, leaving no timer behind", async () => {
    const seen = await rt.run(async (cx) => {
      const { clock } = cx.runtime.reactor;
      const first = await clock.timeout(60_000, clock.sleep(5).then(() => 'promise form'));
      const timersAfterFirst = rt.metrics().timers;
      const second = await clock.timeout(60_000, (signal) => clock.sleep(7, { signal }).then(() => 'function form'));
      return { first, second, timersAfterFirst, timersAfterSecond: rt.metrics().timers, now: clock.now() };
    });
    expect(seen).to.deep.equal({ first: 'promise form', second: 'function form', timersAfterFirst: 0, timersAfterSecond: 0, now: 12 });
  });

  it('keeps wallClock() virtual: the fixed epoch plus now()', async () => {
    await rt.run(async (cx) => cx.runtime.reactor.clock.sleep(1234));
    expect(rt.reactor.clock.wallClock()).to.equal(VIRTUAL_EPOCH + 1234);
  });

  it('wakes every timer due at one instant in one turn, so ten thousand sleepers cost a handful of turns', async () => {
    const before = rt.metrics().turns as number;
    await rt.run(async (cx) => {
      const { executor, reactor } = cx.runtime;
      const tasks = Array.from({ length: 10_000 }, () => executor.spawnLocal(() => reactor.clock.sleep(50)));
      for (const task of tasks) await task;
    });
    expect(rt.now()).to.equal(50);
    expect((rt.metrics().turns as number) - before).to.be.lessThan(20);
  });

  it('does not move time while a task still runs microtasks (a foreign promise chain)', async () => {
    const seen = await rt.run(async (cx) => {
      const { executor, reactor } = cx.runtime;
      executor.spawnLocal(() => reactor.clock.sleep(1), { name: 'sleeper' });
      for (let i = 0; i < 10_000; i++) await Promise.resolve(i);
      return reactor.clock.now();
    });
    expect(seen).to.equal(0);
  });

  it('rejects an aborted sleep with CancelledError carrying the reason, and forgets its timer', async () => {
    const outcome = await rt.run(async (cx) => {
      const { clock } = cx.runtime.reactor;
      const stop = new AbortController();
      const sleeping = clock.sleep(10_000, { signal: stop.signal }).catch((e: unknown) => e);
      await clock.sleep(3);
      stop.abort('enough');
      return { error: await sleeping, timers: cx.runtime.metrics().timers };
    });
    expect(CancelledError.is(outcome.error)).to.equal(true);
    expect((outcome.error as Error).cause).to.equal('enough');
    expect(outcome.timers).to.equal(0);
  });

  it('never moves time past the last instant a Date can hold: a later sleep never ends, and a run left waiting on it times out', async () => {
    const latest = 8.64e15 - VIRTUAL_EPOCH;
    const seen = await rt.run(async (cx) => {
      const { clock } = cx.runtime.reactor;
      const parked = clock.sleep(Number.MAX_VALUE); // never ends: it must not drag time along
      parked.catch(() => undefined);
      await clock.sleep(latest - 1);
      const before = clock.now();
      await clock.sleep(1); // still exact up there
      return { before, after: clock.now(), date: new Date(clock.wallClock()).getTime() };
    });
    expect(seen).to.deep.equal({ before: latest - 1, after: latest, date: 8.64e15 });
    const error = await rt.run(async (cx) => cx.runtime.reactor.clock.sleep(1)).catch((e: unknown) => e);
    expect(TimeoutError.is(error)).to.equal(true);
    expect((error as Error).message).to.include(`virtual time limit of ${latest} ms`);
  });

  it('ticks interval(ms) at exact multiples of ms', async () => {
    const ticks = await rt.run(async (cx) => {
      const out: number[] = [];
      for await (const now of cx.runtime.reactor.clock.interval(250)) {
        out.push(now);
        if (out.length === 4) break;
      }
      return out;
    });
    expect(ticks).to.deep.equal([250, 500, 750, 1000]);
  });
});

describe("LocalRuntime with clock: 'real'", () => {
  it('sleeps real milliseconds and does not claim time.virtual', async () => {
    const rt = await LocalRuntime.create({ clock: 'real' });
    try {
      expect(rt.capabilities.has('time.virtual')).to.equal(false);
      const started = performance.now();
      const now = await rt.run(async (cx) => {
        await cx.runtime.reactor.clock.sleep(30);
        return cx.runtime.reactor.clock.now();
      });
      expect(now).to.be.at.least(30);
      expect(performance.now() - started).to.be.at.least(29);
    } finally {
      await rt.shutdown();
    }
  });
});
