// The building blocks: the timer heap's order and removal, the seeded PRNG's reproducibility, the trace hash.
import { expect } from 'chai';
import { TimerHeap, type Timed } from '../src/time/timer-heap.js';
import { Rng } from '../src/rng.js';
import { Trace } from '../src/trace.js';

describe('TimerHeap', () => {
  const timer = (at: number, name: string): Timed & { name: string } => ({ at, seq: 0, slot: -1, name });

  it('pops by due time, equal times in insertion order, and removes from the middle', () => {
    const heap = new TimerHeap<Timed & { name: string }>();
    const rng = new Rng(5);
    const all = Array.from({ length: 500 }, (_, i) => timer(rng.int(50), `t${i}`));
    for (const t of all) heap.push(t);
    const removed = new Set(all.filter((_, i) => i % 7 === 0));
    for (const t of removed) heap.remove(t);
    const popped: Array<Timed & { name: string }> = [];
    for (let t = heap.pop(); t; t = heap.pop()) popped.push(t);
    const expected = all.filter((t) => !removed.has(t)).sort((a, b) => a.at - b.at || a.seq - b.seq);
    expect(popped.map((t) => t.name)).to.deep.equal(expected.map((t) => t.name));
    expect(popped.every((t) => t.slot === -1)).to.equal(true);
  });
});

describe('Rng', () => {
  it('repeats its sequence for the same seed, numeric or string, and differs for another', () => {
    const draw = (seed: number | string) => { const r = new Rng(seed); return Array.from({ length: 8 }, () => r.nextU32()); };
    expect(draw(7)).to.deep.equal(draw(7));
    expect(draw('replay')).to.deep.equal(draw('replay'));
    expect(draw(7)).to.not.deep.equal(draw(8));
  });

  it('draws integers in [min, max] inclusive, reaching both ends', () => {
    const rng = new Rng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(rng.between(3, 6));
    expect([...seen].sort()).to.deep.equal([3, 4, 5, 6]);
  });

  it('rejects a seed that is not an integer or a string', () => {
    expect(() => new Rng(Number.NaN)).to.throw(RangeError, /seed/);
    expect(() => new Rng(1.5)).to.throw(RangeError, /seed must be an integer/); // it ran as seed 1
    expect(() => new Rng({} as never)).to.throw(TypeError, /seed/);
  });
});

describe('Trace', () => {
  it('hashes line boundaries: "ab"+"c" and "a"+"bc" differ', () => {
    const one = new Trace(false);
    one.record(0, 'ab');
    one.record(0, 'c');
    const two = new Trace(false);
    two.record(0, 'a');
    two.record(0, 'bc');
    expect(one.hash()).to.not.equal(two.hash());
    expect(one.events()).to.deep.equal([]);
  });
});
