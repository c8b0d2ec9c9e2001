// The shard hold on its own (src/shard/hold.ts): FIFO turns, holds handed over in arrival order, and how a hold held for long ends.
import { expect } from 'chai';
import { ShardHold } from '../src/shard/hold.js';

const SHORT = { checkMs: 20, giveUpMs: 10_000 };
const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('ShardHold', () => {
  it('lets operations and holds in, in arrival order, once the holder lets go', async () => {
    const hold = new ShardHold(() => Promise.resolve(true), SHORT);
    expect(hold.acquire(1)).to.equal(undefined); // free: held at once
    expect(hold.free).to.equal(false);
    const order: string[] = [];
    void hold.turn().then(() => order.push('op a'));
    void hold.acquire(2)!.then(() => order.push('hold 2'));
    void hold.turn().then(() => order.push('op b'));
    await tick(0);
    expect(order, 'nothing runs while 1 holds').to.deep.equal([]);
    hold.release(2); // not the holder: nothing
    await tick(0);
    expect(order).to.deep.equal([]);
    hold.release(1);
    await tick(0);
    expect(order, 'op a first, then hold 2 is taken; op b waits for it').to.deep.equal(['op a', 'hold 2']);
    expect(hold.holds(2)).to.equal(true);
    hold.release(2);
    await tick(0);
    expect(order).to.deep.equal(['op a', 'hold 2', 'op b']);
    expect(hold.free).to.equal(true);
    let ran = false;
    void hold.turn().then(() => { ran = true; });
    await tick(0);
    expect(ran, 'turn() on a free shard resolves at once').to.equal(true);
  });

  it('keeps a hold whose worker still runs the command, and ends it once the worker says it does not', async () => {
    let running = true;
    const asked: number[] = [];
    const hold = new ShardHold((token) => { asked.push(token); return Promise.resolve(running); }, SHORT);
    hold.acquire(7);
    await tick(100);
    expect(asked.length, 'asked again and again').to.be.greaterThan(1);
    expect(asked.every((token) => token === 7)).to.equal(true);
    expect(hold.holds(7), 'a slow command keeps its hold').to.equal(true);
    running = false;
    await tick(60);
    expect(hold.holds(7)).to.equal(false);
    expect(hold.free).to.equal(true);
    expect(hold.expired).to.equal(0);
  });

  it('ends a hold whose worker cannot be asked, and one held past giveUpMs whatever the answer', async () => {
    const dead = new ShardHold(() => Promise.reject(new Error('worker thread 1 died')), SHORT);
    dead.acquire(3);
    await tick(60);
    expect(dead.free).to.equal(true);
    const stuck = new ShardHold(() => Promise.resolve(true), { checkMs: 10, giveUpMs: 50 });
    stuck.acquire(4);
    await tick(120);
    expect(stuck.holds(4)).to.equal(false);
    expect(stuck.expired).to.equal(1);
  });

  it('asks nothing of a hold let go in time', async () => {
    let asked = 0;
    const hold = new ShardHold(() => { asked++; return Promise.resolve(true); }, SHORT);
    for (let token = 1; token <= 5; token++) {
      hold.acquire(token);
      hold.release(token);
    }
    await tick(60);
    expect(asked).to.equal(0);
  });
});
