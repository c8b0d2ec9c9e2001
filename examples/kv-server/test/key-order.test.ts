// SCAN's key order under fast-check: a full iteration returns every key that stays present
// throughout, at least once, whatever is added and removed between pages (compactions included).
// Fewer keys are added between pages than a page visits, or the iteration could never end (in Redis too).
import { expect } from 'chai';
import fc from 'fast-check';
import { KeyOrder } from '../src/lib/key-order.js';

describe('KeyOrder (SCAN cursors)', () => {
  it('should return every key present for the whole iteration, across removals and compactions', () => {
    const op = fc.oneof(fc.record({ add: fc.integer({ min: 0, max: 1 }) }), fc.record({ remove: fc.nat() }));
    fc.assert(fc.property(fc.integer({ min: 0, max: 400 }), fc.array(fc.array(op, { maxLength: 4 }), { maxLength: 60 }),
      fc.integer({ min: 5, max: 20 }), (initial, between, count) => {
        const order = new KeyOrder();
        const live = new Map<string, number>();
        let next = 0;
        const add = () => { const key = `k${next++}`; live.set(key, order.add(key)); };
        for (let i = 0; i < initial; i++) add();
        const stayed = new Set(live.keys());
        const seen = new Set<string>();
        let cursor = 0;
        let page = 0;
        do {
          const result = order.page(cursor, count);
          result.keys.forEach((key) => seen.add(key));
          cursor = result.next;
          for (const step of between[page++ % Math.max(1, between.length)] ?? []) {
            if ('add' in step) { for (let i = 0; i < step.add; i++) add(); continue; }
            const keys = [...live.keys()];
            if (keys.length === 0) continue;
            const victim = keys[step.remove % keys.length]!;
            order.remove(live.get(victim)!);
            live.delete(victim);
            stayed.delete(victim);
          }
        } while (cursor !== 0);
        for (const key of stayed) expect(seen.has(key), key).to.equal(true);
        for (const key of seen) expect(key).to.match(/^k\d+$/);
      }), { numRuns: 200 });
  });
});
