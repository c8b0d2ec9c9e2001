// The keyspace: values, deadlines on the injected clock, lazy and swept expiry.
import { expect } from 'chai';
import { fromLatin1, latin1 } from '../src/lib/bytes.js';
import { Store } from '../src/lib/store.js';
import { ManualClock } from './manual-clock.js';

const v = (text: string) => fromLatin1(text);

describe('Store', () => {
  describe('having a key with a deadline', () => {
    it('should keep it until the clock reaches the deadline, then forget it', () => {
      const clock = new ManualClock();
      const store = new Store(clock);
      store.set('k', v('v'), { ttlMs: 100 });
      clock.advance(99);
      expect(store.get('k')).to.not.equal(null);
      expect(store.ttl('k')).to.equal(1);
      clock.advance(1);
      expect(store.get('k')).to.equal(null);
      expect(store.ttl('k')).to.equal(-2);
    });

    it('should drop the deadline when set again without one, and keep it with keepTtl', () => {
      const clock = new ManualClock();
      const store = new Store(clock);
      store.set('a', v('1'), { ttlMs: 50 });
      store.set('a', v('2'));
      store.set('b', v('1'), { ttlMs: 50 });
      store.set('b', v('2'), { keepTtl: true });
      expect([store.ttl('a'), store.ttl('b')]).to.deep.equal([-1, 50]);
    });

    it('should not count it in size() or keys() once expired, even if nobody read it', () => {
      const clock = new ManualClock();
      const store = new Store(clock);
      for (let i = 0; i < 100; i++) store.set(`tmp:${i}`, v('x'), { ttlMs: 10 });
      store.set('keep', v('x'));
      clock.advance(10);
      expect(store.keys('*')).to.deep.equal(['keep']);
      expect(store.size()).to.equal(1);
    });
  });

  describe('sweep()', () => {
    it('should eventually delete expired keys nobody touches', () => {
      const clock = new ManualClock();
      const store = new Store(clock);
      for (let i = 0; i < 50; i++) store.set(`k${i}`, v('x'), { ttlMs: 5 });
      clock.advance(5);
      for (let i = 0; i < 3; i++) store.sweep(20);
      expect(store.size()).to.equal(0);
    });
  });

  describe('having binary keys', () => {
    it('should round-trip every byte value', () => {
      const store = new Store(new ManualClock());
      const key = latin1(Uint8Array.from({ length: 256 }, (_, i) => i));
      store.set(key, v('x'));
      expect([...fromLatin1(store.keys('*')[0]!)]).to.deep.equal(Array.from({ length: 256 }, (_, i) => i));
    });
  });

  describe('expire() and delete()', () => {
    it('should say whether the key existed', () => {
      const store = new Store(new ManualClock());
      store.set('k', v('x'));
      expect([store.expire('k', 1000), store.expire('missing', 1000)]).to.deep.equal([true, false]);
      expect([store.delete('k'), store.delete('k')]).to.deep.equal([true, false]);
    });
  });
});
