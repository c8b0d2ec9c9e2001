// untilEnd: next() until null as an async iterator, ending on null, on a rejection or on an early exit.
import { expect } from 'chai';
import { untilEnd } from '../src/index.js';

/** A source that hands out `items` one per call, then null, and counts the calls. */
function source<T>(items: T[]): { next: () => Promise<T | null>; calls: () => number } {
  let calls = 0;
  return {
    next: () => {
      calls++;
      return Promise.resolve(items.length > 0 ? items.shift()! : null);
    },
    calls: () => calls,
  };
}

describe('untilEnd', () => {
  it('should yield every item in order and stop at the first null', async () => {
    const src = source(['a', 'b', 'c']);
    const seen: string[] = [];
    for await (const item of untilEnd(src.next)) seen.push(item);
    expect(seen).to.deep.equal(['a', 'b', 'c']);
    expect(src.calls()).to.equal(4);
  });

  it('should keep falsy items that are not null', async () => {
    const seen: unknown[] = [];
    for await (const item of untilEnd(source<unknown>([0, '', false, undefined]).next)) seen.push(item);
    expect(seen).to.deep.equal([0, '', false, undefined]);
  });

  it('should stop asking the source once the loop is left early, and report done afterwards', async () => {
    const src = source([1, 2, 3]);
    const it = untilEnd(src.next);
    for await (const item of it) if (item === 1) break;
    expect(src.calls()).to.equal(1);
    expect(await it.next()).to.deep.equal({ done: true, value: undefined });
    expect(src.calls(), 'the source is left alone').to.equal(1);
  });

  it('should report done after the end without asking the source again', async () => {
    const src = source<number>([]);
    const it = untilEnd(src.next);
    expect((await it.next()).done).to.equal(true);
    expect((await it.next()).done).to.equal(true);
    expect(src.calls()).to.equal(1);
  });

  for (const [how, fail] of [
    ['rejects', () => Promise.reject(new RangeError('boom'))],
    ['throws instead of rejecting', () => { throw new RangeError('boom'); }],
  ] as const) {
    it(`should reject next() when the source ${how}, then report done without asking it again`, async () => {
      let calls = 0;
      const it = untilEnd<number>(() => {
        calls++;
        return fail();
      });
      const caught = await it.next().then(() => undefined, (error: unknown) => error);
      expect(caught).to.be.instanceOf(RangeError);
      expect(await it.next()).to.deep.equal({ done: true, value: undefined });
      expect(calls).to.equal(1);
    });
  }

  it('should be its own async iterable', () => {
    const it = untilEnd(source([1]).next);
    expect(it[Symbol.asyncIterator]()).to.equal(it);
  });
});
