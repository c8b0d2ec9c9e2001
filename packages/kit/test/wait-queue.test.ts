// WaitQueue: items and waiters handed over oldest to oldest, with abortable waits, a limit, close and a scheduler.
import { expect } from 'chai';
import { CancelledError } from '@runtime-traits/core';
import { WaitQueue, type QueueWaker } from '../src/index.js';

/** Whether `promise` has settled, without waiting for it. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(() => { done = true; }, () => { done = true; });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('WaitQueue', () => {
  describe('when items arrive before take()', () => {
    it('should hand them over in arrival order', async () => {
      const queue = new WaitQueue<number>();
      for (const n of [1, 2, 3]) queue.push(n);
      expect([await queue.take(), await queue.take(), await queue.take()]).to.deep.equal([1, 2, 3]);
      expect(queue.size).to.equal(0);
    });

    it('should keep order across many pushes and takes that never empty it', async () => {
      const queue = new WaitQueue<number>();
      queue.push(0);
      const seen: number[] = [];
      for (let n = 1; n <= 5000; n++) {
        queue.push(n);
        seen.push((await queue.take())!);
      }
      expect(seen).to.deep.equal(Array.from({ length: 5000 }, (_, i) => i));
      expect(queue.size).to.equal(1);
    });
  });

  describe('when take() waits', () => {
    it('should give each push to the oldest waiter', async () => {
      const queue = new WaitQueue<string>();
      const first = queue.take();
      const second = queue.take();
      expect(queue.waiting).to.equal(2);
      queue.push('a');
      queue.push('b');
      expect(await first).to.equal('a');
      expect(await second).to.equal('b');
      expect(queue.size).to.equal(0);
    });

    it('should reject CancelledError with the reason as cause when its signal aborts, and lose no item', async () => {
      const queue = new WaitQueue<string>();
      const controller = new AbortController();
      const aborted = queue.take({ signal: controller.signal });
      const later = queue.take();
      const reason = new Error('stop');
      controller.abort(reason);
      const error = await aborted.then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(CancelledError);
      expect((error as Error).cause).to.equal(reason);
      queue.push('x');
      expect(await later).to.equal('x');
      expect(queue.waiting).to.equal(0);
    });

    it('should keep the others in order when a waiter in the middle aborts', async () => {
      const queue = new WaitQueue<number>();
      const controller = new AbortController();
      const first = queue.take();
      const middle = queue.take({ signal: controller.signal });
      const last = queue.take();
      controller.abort();
      expect(await middle.then(() => 'resolved', (e: unknown) => e)).to.be.instanceOf(CancelledError);
      expect(queue.waiting).to.equal(2);
      queue.push(1);
      queue.push(2);
      expect([await first, await last]).to.deep.equal([1, 2]);
    });

    it('should reject at once for an already-aborted signal, leaving the item queued', async () => {
      const queue = new WaitQueue<string>();
      queue.push('kept');
      const error = await queue.take({ signal: AbortSignal.abort() }).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(CancelledError);
      expect(await queue.take()).to.equal('kept');
    });

    it('should remove its abort listener once it settles', async () => {
      const queue = new WaitQueue<number>();
      const controller = new AbortController();
      let added = 0;
      let removed = 0;
      const signal = controller.signal;
      const add = signal.addEventListener.bind(signal);
      const remove = signal.removeEventListener.bind(signal);
      signal.addEventListener = ((...args: Parameters<typeof add>) => { added++; add(...args); }) as typeof add;
      signal.removeEventListener = ((...args: Parameters<typeof remove>) => { removed++; remove(...args); }) as typeof remove;
      const taken = queue.take({ signal });
      queue.push(7);
      expect(await taken).to.equal(7);
      expect([added, removed]).to.deep.equal([1, 1]);
    });

    it('should throw the kit checks for a bad signal', () => {
      const queue = new WaitQueue<number>();
      expect(() => queue.take({ signal: 'no' as unknown as AbortSignal })).to.throw(TypeError, /opts\.signal/);
    });
  });

  describe('when closed', () => {
    it('should wake every waiter with null', async () => {
      const queue = new WaitQueue<number>();
      const waiting = [queue.take(), queue.take()];
      queue.close();
      expect(await Promise.all(waiting)).to.deep.equal([null, null]);
    });

    it('should still give what was queued, then null, and refuse new pushes', async () => {
      const queue = new WaitQueue<number>();
      queue.push(1);
      queue.close();
      expect(queue.push(2)).to.equal(false);
      expect(await queue.take()).to.equal(1);
      expect(await queue.take()).to.equal(null);
    });

    it('should let drain() remove what is queued', async () => {
      const queue = new WaitQueue<number>();
      queue.push(1);
      queue.push(2);
      queue.close();
      expect(queue.drain()).to.deep.equal([1, 2]);
      expect(await queue.take()).to.equal(null);
    });
  });

  describe('having a limit', () => {
    it('should drop the oldest item beyond it', async () => {
      const queue = new WaitQueue<number>({ limit: 2 });
      for (const n of [1, 2, 3]) queue.push(n);
      expect(queue.size).to.equal(2);
      expect([await queue.take(), await queue.take()]).to.deep.equal([2, 3]);
    });

    it('should refuse a limit below 1', () => {
      expect(() => new WaitQueue<number>({ limit: 0 })).to.throw(RangeError, /opts\.limit/);
    });
  });

  describe('having a scheduler', () => {
    function scheduled(): { queue: WaitQueue<number>; ready: QueueWaker[]; run(): void } {
      const ready: QueueWaker[] = [];
      const queue = new WaitQueue<number>({ schedule: (waker) => ready.push(waker), label: () => 'q woken' });
      return { queue, ready, run: () => { while (ready.length > 0) ready.shift()!.wake(); } };
    }

    it('should settle a waiter only when the scheduler runs its wake', async () => {
      const { queue, ready, run } = scheduled();
      const taken = queue.take();
      queue.push(5);
      expect(await settled(taken)).to.equal(false);
      expect(ready).to.have.length(1);
      expect(ready[0]!.label()).to.equal('q woken');
      run();
      expect(await taken).to.equal(5);
    });

    it('should schedule the oldest waiter once, and the next after it is served', async () => {
      const { queue, ready, run } = scheduled();
      const a = queue.take();
      const b = queue.take();
      queue.push(1);
      queue.push(2);
      expect(ready).to.have.length(1);
      run();
      expect([await a, await b]).to.deep.equal([1, 2]);
    });

    it('should not let a new take() jump ahead of a scheduled waiter', async () => {
      const { queue, run } = scheduled();
      const first = queue.take();
      queue.push(1);
      const second = queue.take();
      queue.push(2);
      run();
      expect([await first, await second]).to.deep.equal([1, 2]);
    });

    it('should pass the item to the next waiter when the scheduled one aborts', async () => {
      const { queue, run } = scheduled();
      const controller = new AbortController();
      const gone = queue.take({ signal: controller.signal });
      const next = queue.take();
      queue.push(9);
      controller.abort();
      run();
      expect(await gone.then(() => 'resolved', (e: unknown) => e)).to.be.instanceOf(CancelledError);
      expect(await next).to.equal(9);
    });

    it('should wake waiters with null on close without the scheduler', async () => {
      const { queue, ready } = scheduled();
      const taken = queue.take();
      queue.close();
      expect(ready).to.have.length(0);
      expect(await taken).to.equal(null);
    });
  });
});
