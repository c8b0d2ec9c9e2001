// The shard hold on its own (src/shard/hold.ts): FIFO turns per key, holds handed over in arrival order, and how a hold held for long ends.
import { expect } from 'chai';
import { ALL, ShardHold } from '../src/shard/hold.js';
import { FORGET_OP, keysOf, STAT_OP, WATCH_OP } from '../src/shard/route.js';

const keys = (...names: string[]): Set<string> => new Set(names);

const SHORT = { checkMs: 20, giveUpMs: 10_000 };
const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('ShardHold', () => {
  it('lets operations and holds in, in arrival order, once the holder lets go', async () => {
    const hold = new ShardHold(() => Promise.resolve(true), SHORT);
    expect(hold.acquire(1)).to.equal(undefined); // free: held at once
    expect(hold.free).to.equal(false);
    const order: string[] = [];
    void hold.run(ALL, () => order.push('op a'));
    void hold.acquire(2)!.then(() => order.push('hold 2'));
    void hold.run(ALL, () => order.push('op b'));
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
    expect(hold.run(ALL, () => { ran = true; return 'answer'; }), 'on a free shard it runs at once').to.equal('answer');
    expect(ran).to.equal(true);
  });

  it('lets what touches other keys run beside a hold, and what shares a key wait for it, in arrival order', async () => {
    const hold = new ShardHold(() => Promise.resolve(true), SHORT);
    expect(hold.acquire(1, keys('a', 'b'))).to.equal(undefined);
    expect(hold.blocks(keys('c')), 'another key').to.equal(false);
    expect(hold.blocks(keys('b', 'c')), 'a held key among them').to.equal(true);
    expect(hold.blocks(ALL), 'the whole shard').to.equal(true);
    expect(hold.acquire(2, keys('c', 'd')), 'a hold on other keys is taken at once').to.equal(undefined);
    expect(hold.holds(1) && hold.holds(2)).to.equal(true);
    const order: string[] = [];
    void hold.run(keys('a'), () => order.push('op a'));
    void hold.acquire(3, keys('d', 'e'))!.then(() => order.push('hold 3'));
    void hold.run(keys('e'), () => order.push('op e')); // behind hold 3, which waits for hold 2
    void hold.run(keys('f'), () => order.push('op f'));
    void hold.run(ALL, () => order.push('op all'));
    await tick(0);
    expect(order, 'only what shares no key with anything before it').to.deep.equal(['op f']);
    hold.release(1);
    await tick(0);
    expect(order).to.deep.equal(['op f', 'op a']);
    hold.release(2);
    await tick(0);
    expect(order, 'hold 3 is taken; op e waits for it, and ALL for everything before').to.deep.equal(['op f', 'op a', 'hold 3']);
    expect(hold.blocks(keys('z')), 'the ALL waiter blocks what comes after it').to.equal(true);
    hold.release(3);
    await tick(0);
    expect(order).to.deep.equal(['op f', 'op a', 'hold 3', 'op e', 'op all']);
    expect(hold.free).to.equal(true);
  });

  it('takes a hold asked for after a waiting operation on its key only once that operation has run', async () => {
    const hold = new ShardHold(() => Promise.resolve(true), SHORT);
    hold.acquire(1, keys('k'));
    const order: string[] = [];
    const wrote = hold.run(keys('k'), () => order.push('op k'));
    void hold.acquire(2, keys('k', 'j'))!.then(() => order.push(`hold 2 (ran before it: ${order.join(', ') || 'nothing'})`));
    hold.release(1);
    expect(hold.holds(2), 'not while the operation let in has not run').to.equal(false);
    await wrote;
    await tick(0);
    expect(order).to.deep.equal(['op k', 'hold 2 (ran before it: op k)']);
    expect(hold.holds(2)).to.equal(true);
  });

  it('lets an operation that names no key run beside any hold', () => {
    const hold = new ShardHold(() => Promise.resolve(true), SHORT);
    hold.acquire(1, ALL);
    expect(hold.blocks(keys()), 'no key: nothing to wait for').to.equal(false);
    expect(hold.run(keys(), () => 'ran')).to.equal('ran');
  });

  it('gives a key to holds in arrival order, even when a later one could run at once on its other keys', async () => {
    const hold = new ShardHold(() => Promise.resolve(true), SHORT);
    hold.acquire(1, keys('x'));
    const taken: number[] = [];
    void hold.acquire(2, keys('x', 'y'))!.then(() => taken.push(2));
    void hold.acquire(3, keys('y'))!.then(() => taken.push(3));
    await tick(0);
    expect(taken, 'hold 3 shares y with the waiting hold 2: it waits too').to.deep.equal([]);
    hold.release(1);
    await tick(0);
    expect(taken).to.deep.equal([2]);
    hold.release(2);
    await tick(0);
    expect(taken).to.deep.equal([2, 3]);
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

  it('ends a hold past giveUpMs even when its worker never answers the check', async () => {
    // An ask that never settles (a hung worker, a spawnOn waiting for a slot that never frees) must
    // not keep the hold, and everything behind it, for ever: the cap has a timer of its own.
    const silent = new ShardHold(() => new Promise<boolean>(() => {}), { checkMs: 10, giveUpMs: 50 });
    silent.acquire(5, keys('k'));
    let ran = false;
    void silent.run(keys('k'), () => { ran = true; });
    await tick(200);
    expect(silent.holds(5), 'held 4x past giveUpMs').to.equal(false);
    expect(ran).to.equal(true);
  });

  it('ends the queued holds of a dead worker without a full checkMs each', async () => {
    // Holds asked for by a worker that then died wait in line; checked only checkMs after each is
    // taken, n of them on a hot key would keep it n x checkMs (n x 5 s in the app) after the death.
    const asked: number[] = [];
    const hold = new ShardHold((token) => { asked.push(token); return Promise.resolve(false); }, { checkMs: 100, giveUpMs: 10_000 });
    for (let token = 1; token <= 4; token++) void hold.acquire(token, keys('hot'));
    const started = performance.now();
    const waited = await hold.run(keys('hot'), () => performance.now() - started);
    expect(waited, 'a key held by 4 dead holds, asked for at the same time').to.be.lessThan(250);
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

describe('keysOf (what a hold covers)', () => {
  const bytes = (...args: string[]): Uint8Array[] => args.map((arg) => Buffer.from(arg, 'latin1'));

  it('names the keys of commands, as strings or bytes, and of a transaction', () => {
    expect(keysOf([['set', 'a', '1'], bytes('GET', 'b'), ['mset', 'c', '1', 'd', '2'], ['del', 'e', 'f']])).to.deep.equal(keys('a', 'b', 'c', 'd', 'e', 'f'));
    expect(keysOf([[['incr', 'x'], ['expire', 'y', '10']]]), 'a transaction: its commands').to.deep.equal(keys('x', 'y'));
    expect(keysOf([[WATCH_OP, '7', 'w1', 'w2'], [FORGET_OP, '7', 'w3']]), 'WATCH and FORGET the keys they name').to.deep.equal(keys('w1', 'w2', 'w3'));
    expect(keysOf([[FORGET_OP, '7']]), 'a FORGET naming none (UNWATCH)').to.deep.equal(keys());
    expect(keysOf([[]]), 'an empty transaction').to.deep.equal(keys());
  });

  it('covers the whole shard for a keyless command, inside a transaction too', () => {
    for (const op of [['dbsize'], ['flushall'], ['keys', '*'], ['scan', '0'], [STAT_OP]]) expect(keysOf([['get', 'a'], op]), op[0]).to.equal(ALL);
    expect(keysOf([[['set', 'a', '1'], ['flushdb']]])).to.equal(ALL);
  });
});
