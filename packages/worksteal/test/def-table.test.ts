// The shared def table: one number per (module, name) for the whole pool, agreed on by threads that register at the same time.
import { expect } from 'chai';
import { DefTable } from '../src/memory/def-table.js';
import { DEF_INDEX_WORDS } from '../src/memory/layout.js';
import { Shared } from '../src/memory/shared.js';
import { harness, tinyConfig } from './fixtures/protocol.js';

describe('DefTable', () => {
  it('should number defs in order of first use, give a known def its number again, and look numbers up', () => {
    const { defs } = Shared.create(tinyConfig(1));
    expect([defs.number('file:///a.js', 'x'), defs.number('file:///a.js', 'y'), defs.number('file:///b.js', 'x')]).to.deep.equal([0, 1, 2]);
    expect(defs.number('file:///a.js', 'y')).to.equal(1);
    expect(defs.lookup(2)).to.deep.equal(['file:///b.js', 'x']);
    expect(() => defs.lookup(3)).to.throw(/unknown task def number 3/);
  });

  it('should let a second view of the same buffers (another thread) find what the first registered', () => {
    const shared = Shared.create(tinyConfig(1));
    shared.defs.number('file:///a.js', 'x');
    shared.defs.number('file:///ü.js', 'ünïcode');
    const other = new DefTable(shared.control, shared.buffers.defs);
    expect(other.lookup(1)).to.deep.equal(['file:///ü.js', 'ünïcode']);
    expect(other.number('file:///a.js', 'x')).to.equal(0);
    expect(other.number('file:///c.js', 'z'), 'appended after the others').to.equal(2);
    expect(shared.defs.lookup(2)).to.deep.equal(['file:///c.js', 'z']);
  });

  it('should refuse a def past its capacity with a RangeError, and keep working for known ones', () => {
    const { defs } = Shared.create(tinyConfig(1));
    const max = DEF_INDEX_WORDS / 2;
    for (let i = 0; i < max; i++) defs.number('file:///many.js', `t${i}`);
    expect(() => defs.number('file:///many.js', 'one-too-many')).to.throw(RangeError, /too many distinct task defs/);
    expect(defs.number('file:///many.js', 't7')).to.equal(7);
  });

  it('should give every thread the same dense numbers when four threads register 300 defs at once, in different orders', async function () {
    this.timeout(60_000);
    const h = harness(tinyConfig(3));
    const all: Array<[string, string]> = Array.from({ length: 300 }, (_, i) => [`file:///mod${i % 7}.js`, `task${i}`]);
    const orders = [all, [...all].reverse(), all.filter((_, i) => i % 2 === 0).concat(all.filter((_, i) => i % 2 === 1)), all.slice(150).concat(all.slice(0, 150))];
    Atomics.store(h.flags, 2, 4); // registrars that must be ready before any starts
    const reports = [1, 2, 3].map((me) => h.start<{ numbers: number[] }>({ role: 'def-registrar', me, defs: orders[me] }));
    await h.ready(3);
    Atomics.add(h.flags, 1, 1); // the main thread is the fourth
    const mine = orders[0]!.map(([module, name]) => h.shared.defs.number(module, name));
    const theirs = (await Promise.all(reports)).map((r) => r.numbers);
    const byKey = new Map<string, number>();
    const disagreements: string[] = [];
    [mine, ...theirs].forEach((numbers, t) => numbers.forEach((n, i) => {
      const [module, name] = orders[t]![i]!;
      const key = `${module} ${name}`;
      const seen = byKey.get(key);
      if (seen === undefined) byKey.set(key, n);
      else if (seen !== n) disagreements.push(`${key}: ${seen} vs ${n}`);
    }));
    expect(disagreements).to.deep.equal([]);
    expect([...byKey.values()].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 300 }, (_, i) => i));
  });
});
