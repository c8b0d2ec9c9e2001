// intervalOver and timeoutOver: drift-free ticks and deadlines over any clock's now() and sleep().
import { expect } from 'chai';
import { CancelledError, TimeoutError } from '../src/index.js';
import { intervalOver, timeoutOver } from '../src/kit/index.js';

/** A clock moved by hand: sleeps fire only when the test advances it. */
class HandClock {
  time = 0;
  private timers: Array<{ at: number; resolve: () => void }> = [];
  readonly now = (): number => this.time;
  readonly sleep = (ms: number, opts?: { signal?: AbortSignal }): Promise<void> => new Promise((resolve, reject) => {
    const timer = { at: this.time + ms, resolve };
    this.timers.push(timer);
    opts?.signal?.addEventListener('abort', () => {
      this.timers = this.timers.filter((t) => t !== timer);
      reject(new CancelledError());
    }, { once: true });
  });
  get pending(): number { return this.timers.length; }
  async advance(ms: number): Promise<void> {
    this.time += ms;
    const due = this.timers.filter((t) => t.at <= this.time);
    this.timers = this.timers.filter((t) => t.at > this.time);
    for (const t of due) t.resolve();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('intervalOver', () => {
  it('should tick every ms without drift, yielding now()', async () => {
    const clock = new HandClock();
    const ticks = intervalOver(clock.now, clock.sleep, 10);
    const first = ticks.next();
    await clock.advance(10);
    expect(await first).to.deep.equal({ done: false, value: 10 });
    const second = ticks.next();
    await clock.advance(7); // a slow consumer: the next tick is still due at 20, not 27
    await clock.advance(3);
    expect(await second).to.deep.equal({ done: false, value: 20 });
    await ticks.return!();
    expect(clock.pending).to.equal(0);
  });

  it('should end on break and release its timer', async () => {
    const clock = new HandClock();
    const seen: number[] = [];
    const loop = (async () => {
      for await (const t of intervalOver(clock.now, clock.sleep, 5)) {
        seen.push(t);
        if (seen.length === 2) break;
      }
    })();
    await clock.advance(5);
    await clock.advance(5);
    await loop;
    expect(seen).to.deep.equal([5, 10]);
    expect(clock.pending).to.equal(0);
  });

  it('should reject with CancelledError when its signal aborts', async () => {
    const clock = new HandClock();
    const controller = new AbortController();
    const ticks = intervalOver(clock.now, clock.sleep, 5, { signal: controller.signal });
    const next = ticks.next();
    controller.abort();
    const error = await next.then(() => null, (e: unknown) => e);
    expect(CancelledError.is(error)).to.equal(true);
    expect(clock.pending).to.equal(0);
  });

  it('should refuse a zero or negative period', () => {
    const clock = new HandClock();
    expect(() => intervalOver(clock.now, clock.sleep, 0)).to.throw(RangeError);
    expect(() => intervalOver(clock.now, clock.sleep, -1)).to.throw(RangeError);
  });
});

describe('timeoutOver', () => {
  it('should reject with TimeoutError at the deadline and abort the work signal with it', async () => {
    const clock = new HandClock();
    let workSignal: AbortSignal | undefined;
    const result = timeoutOver(clock.sleep, 100, (signal) => { workSignal = signal; return new Promise(() => {}); });
    const outcome = result.then(() => null, (e: unknown) => e);
    await clock.advance(99);
    expect(workSignal!.aborted).to.equal(false);
    await clock.advance(1);
    const error = await outcome as TimeoutError;
    expect(TimeoutError.is(error)).to.equal(true);
    expect(error.code).to.equal('ETIMEDOUT');
    expect(workSignal!.reason).to.equal(error);
  });

  it('should settle with the work when it wins, and stop its timer', async () => {
    const clock = new HandClock();
    const value = await timeoutOver(clock.sleep, 100, Promise.resolve('fast'));
    expect(value).to.equal('fast');
    expect(clock.pending).to.equal(0);
  });

  it('should pass on the work\'s own error', async () => {
    const clock = new HandClock();
    const error = await timeoutOver(clock.sleep, 100, Promise.reject(new RangeError('own'))).then(() => null, (e: unknown) => e);
    expect(error).to.be.instanceOf(RangeError);
  });

  it('should refuse work that is neither a promise nor a function', () => {
    const clock = new HandClock();
    expect(() => timeoutOver(clock.sleep, 1, 42 as never)).to.throw(TypeError, /work/);
  });
});
