// Resolver capture: a promise's resolve and reject land on the object given, with no closure made for it.
import { expect } from 'chai';
import { deferred, keepResolve, keptResolve, promiseInto, type Settles } from '../src/index.js';

describe('resolver capture', () => {
  it('should put resolve and reject on the object, each settling its own promise', async () => {
    const one: Settles<number> = { resolve: () => {}, reject: () => {} };
    const two: Settles<number> = { resolve: () => {}, reject: () => {} };
    const p1 = promiseInto(one);
    const p2 = promiseInto(two);
    two.reject(new Error('two'));
    one.resolve(1);
    expect(await p1).to.equal(1);
    expect(await p2.then(() => 'resolved', (e: Error) => e.message)).to.equal('two');
  });

  it('should leave the last promise\'s resolve in keptResolve', async () => {
    const a = new Promise(keepResolve);
    const resolveA = keptResolve!;
    const b = new Promise(keepResolve);
    const resolveB = keptResolve!;
    resolveB('b');
    resolveA('a');
    expect(await Promise.all([a, b])).to.deep.equal(['a', 'b']);
  });

  it('should make deferreds that settle independently', async () => {
    const d1 = deferred<string>();
    const d2 = deferred<string>();
    d2.resolve('second');
    d1.reject(new RangeError('first'));
    expect(await d2.promise).to.equal('second');
    expect(await d1.promise.then(() => null, (e: unknown) => e)).to.be.instanceOf(RangeError);
  });
});
