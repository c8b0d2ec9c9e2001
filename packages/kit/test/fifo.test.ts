// Fifo: first in, first out over a kept array — through bursts, a queue that never empties, removal and clearing.
import { expect } from 'chai';
import { Fifo } from '../src/index.js';

/** The array a Fifo keeps (to check it neither leaks entries nor grows without bound). */
const itemsOf = (fifo: Fifo<unknown>): unknown[] => (fifo as unknown as { items: unknown[] }).items;

describe('Fifo', () => {
  it('should give entries back in the order they came, and undefined once empty', () => {
    const fifo = new Fifo<number>();
    for (let i = 0; i < 5; i++) fifo.push(i);
    expect([fifo.length, fifo.peek(), fifo.at(4), fifo.at(5)]).to.deep.equal([5, 0, 4, undefined]);
    expect([fifo.shift(), fifo.shift()]).to.deep.equal([0, 1]);
    fifo.push(5);
    const rest: Array<number | undefined> = [];
    while (fifo.length > 0) rest.push(fifo.shift());
    expect(rest).to.deep.equal([2, 3, 4, 5]);
    expect([fifo.shift(), fifo.peek(), fifo.length]).to.deep.equal([undefined, undefined, 0]);
  });

  it('should keep no reference to an entry once it was taken', () => {
    const fifo = new Fifo<object>();
    const a = {};
    fifo.push(a);
    fifo.push({});
    fifo.shift();
    expect(itemsOf(fifo).includes(a)).to.equal(false);
  });

  it('should reuse its array after a burst, but let a very big one go', () => {
    const small = new Fifo<number>(16);
    for (let i = 0; i < 10; i++) small.push(i);
    while (small.length > 0) small.shift();
    expect(itemsOf(small).length, 'kept for the next burst').to.equal(10);
    for (let i = 0; i < 100; i++) small.push(i);
    while (small.length > 0) small.shift();
    expect(itemsOf(small).length, 'beyond keep').to.equal(0);
  });

  it('should stay bounded and in order when it never empties (a steady stream with a backlog)', () => {
    const fifo = new Fifo<number>();
    let next = 0;
    let expected = 0;
    for (let i = 0; i < 1000; i++) fifo.push(next++);
    let wrong = 0;
    for (let round = 0; round < 100_000; round++) {
      fifo.push(next++);
      if (fifo.shift() !== expected++) wrong++;
    }
    expect(wrong, 'entries out of order').to.equal(0);
    expect(fifo.length).to.equal(1000);
    expect(itemsOf(fifo).length, 'array size with 1,000 live entries').to.be.below(8192);
    for (let i = 0; i < 1000; i++) expect(fifo.at(i)).to.equal(expected + i);
  });

  it('should remove an entry wherever it is, keeping the others in order', () => {
    const fifo = new Fifo<string>();
    for (const s of ['a', 'b', 'c', 'd']) fifo.push(s);
    expect([fifo.remove('c'), fifo.remove('a'), fifo.remove('x')]).to.deep.equal([true, true, false]);
    expect(fifo.clear()).to.deep.equal(['b', 'd']);
    expect(fifo.length).to.equal(0);
    fifo.push('e');
    expect(fifo.shift()).to.equal('e');
  });
});
