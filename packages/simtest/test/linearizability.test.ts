// checkLinearizable: known linearizable and non-linearizable histories, the classic counterexamples, and a brute-force cross-check.
import { Worker } from 'node:worker_threads';
import { expect } from 'chai';
import fc from 'fast-check';
import { checkLinearizable, History, models, type Model, type Operation } from '../src/index.js';

let clock = 0;
/** An operation with explicit times; `ret` undefined = unknown outcome. */
function op(client: string, name: string, input: unknown, output: unknown, call: number, ret?: number): Operation {
  return { client, op: name, input, output: ret === undefined ? undefined : output, call, return: ret ?? Infinity };
}
const w = (c: string, v: unknown, call: number, ret?: number) => op(c, 'write', v, undefined, call, ret);
const r = (c: string, v: unknown, call: number, ret?: number) => op(c, 'read', undefined, v, call, ret);

/** A FIFO queue, as a user would describe one: ops 'enq' (input) and 'deq' (output, null when empty). */
const queue: Model<unknown[]> = {
  init: () => [],
  step(state, o) {
    if (o.op === 'enq') return [...state, o.input];
    if (o.output === undefined) return state.slice(1);
    if (state.length === 0) return o.output === null ? state : undefined;
    return state[0] === o.output ? state.slice(1) : undefined;
  },
};

/** Every order of every subset of linearization points, the slow way: the reference for small histories. */
function bruteForce(ops: Operation[], model: Model<unknown>): boolean {
  const n = ops.length;
  const done = new Array<boolean>(n).fill(false);
  const search = (state: unknown, count: number): boolean => {
    if (count === n) return true;
    for (let i = 0; i < n; i++) {
      if (done[i]) continue;
      // i may go next only if no other pending op returned before i was called.
      if (ops.some((o, j) => !done[j] && j !== i && o.return < ops[i]!.call)) continue;
      const next = model.step(state, ops[i]!);
      if (next === undefined) continue;
      done[i] = true;
      if (search(next, count + 1)) return true;
      done[i] = false;
    }
    return false;
  };
  return search(model.init(), 0);
}

/**
 * True when `ops` fail with the operations not in `essential` weakened, as the minimiser means it:
 * each may have taken effect within its window with any output, or not at all (every choice fails).
 */
function failsWeakened(ops: Operation[], essential: Operation[], model: Model<unknown>): boolean {
  const weak = ops.filter((o) => !essential.includes(o));
  for (let mask = 0; mask < 1 << weak.length; mask++) {
    const dropped = new Set(weak.filter((_, k) => (mask >> k) & 1));
    const variant = ops.filter((o) => !dropped.has(o)).map((o) => (essential.includes(o) ? o : { ...o, output: undefined }));
    if (bruteForce(variant, model)) return false;
  }
  return true;
}

/**
 * checkLinearizable(history, models[model]()) on a worker thread, with its time: a check that runs
 * away then fails the test at `deadline` ms instead of blocking mocha (which cannot time out synchronous code).
 */
function checkOnWorker(history: Operation[], model: 'register' | 'kv', deadline: number): Promise<{ result: ReturnType<typeof checkLinearizable>; ms: number }> {
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.url).then(({ checkLinearizable, models }) => {
      const start = performance.now();
      const result = checkLinearizable(workerData.history, models[workerData.model]());
      parentPort.postMessage({ result, ms: performance.now() - start });
    });`, { eval: true, workerData: { url: new URL('../src/index.js', import.meta.url).href, history, model } });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { void worker.terminate(); reject(new Error(`the check did not finish in ${deadline} ms`)); }, deadline);
    worker.once('message', (answer) => { clearTimeout(timer); void worker.terminate(); resolve(answer); });
    worker.once('error', (error) => { clearTimeout(timer); reject(error); });
  });
}

describe('checkLinearizable', () => {
  beforeEach(() => { clock = 0; });

  describe('on a register', () => {
    it('should accept a sequential history and concurrent operations that can be ordered', () => {
      expect(checkLinearizable([w('a', 1, 0, 1), r('b', 1, 2, 3), w('a', 2, 4, 5), r('b', 2, 6, 7)], models.register()).ok).to.equal(true);
      // A read overlapping a write may see either value.
      expect(checkLinearizable([w('a', 1, 0, 10), r('b', null, 1, 2), r('c', 1, 3, 4)], models.register()).ok).to.equal(true);
      expect(checkLinearizable([], models.register()).ok).to.equal(true);
    });

    it('should reject a read of an older value after a write completed (a stale read)', () => {
      const history = [w('a', 1, 0, 1), w('a', 2, 2, 3), r('b', 1, 4, 5)];
      const result = checkLinearizable(history, models.register());
      expect(result.ok).to.equal(false);
      expect(result.counterexample).to.deep.equal(history);
      expect(result.essential).to.include(history[2]);
    });

    it('should reject the classic: two reads after both writes completed see different values', () => {
      const history = [w('a', 1, 0, 5), w('b', 2, 1, 6), r('c', 1, 7, 8), r('d', 2, 9, 10)];
      expect(checkLinearizable(history, models.register()).ok).to.equal(false);
      // Overlapping, the same reads are fine: 1 written, read; 2 written, read.
      expect(checkLinearizable([w('a', 1, 0, 5), w('b', 2, 1, 12), r('c', 1, 2, 8), r('d', 2, 9, 10)], models.register()).ok).to.equal(true);
    });

    it('should reject new-old inversion: a later read sees the older value than an earlier read', () => {
      // The write of 1 is slow; reader c sees 1, then reader d (starting after c returned) sees the initial null.
      const history = [w('a', 1, 0, 100), r('c', 1, 10, 20), r('d', null, 30, 40)];
      expect(checkLinearizable(history, models.register()).ok).to.equal(false);
    });

    it('should compare object values by their members, whatever the order of their keys', () => {
      const history = [w('a', { a: 1, b: [2, { c: 3 }] }, 0, 1), r('b', { b: [2, { c: 3 }], a: 1 }, 2, 3)];
      expect(checkLinearizable(history, models.register()).ok).to.equal(true);
      expect(checkLinearizable([w('a', { a: 1 }, 0, 1), r('b', { a: '1' }, 2, 3)], models.register()).ok).to.equal(false);
      expect(checkLinearizable([w('a', new Date(1000), 0, 1), r('b', new Date(2000), 2, 3)], models.register()).ok, 'Dates by time').to.equal(false);
      expect(checkLinearizable([w('a', new Date(1000), 0, 1), r('b', new Date(1000), 2, 3)], models.register()).ok).to.equal(true);
      expect(checkLinearizable([w('a', new Map([[1, 'x']]), 0, 1), r('b', new Map([[1, 'y']]), 2, 3)], models.register()).ok, 'Maps by entries').to.equal(false);
    });

    it('should tell apart values that JSON writes alike, and compare bigints, Maps, Sets and Dates by content', () => {
      // Two writes, then a read of the first: linearizable (the second write went first) only if the two values differ.
      const secondWins = (a: unknown, b: unknown, readBack: unknown) => checkLinearizable([w('a', a, 0, 10), w('b', b, 0, 10), r('c', readBack, 20, 30)], models.register()).ok;
      expect(secondWins(new Map([['a', 1]]), new Map([['b', 2]]), new Map([['a', 1]])), 'Maps').to.equal(true);
      expect(secondWins(new Set([1]), new Set([2]), new Set([1])), 'Sets').to.equal(true);
      expect(secondWins(NaN, null, NaN), 'NaN and null').to.equal(true);
      expect(secondWins(NaN, Infinity, NaN), 'NaN and Infinity').to.equal(true);
      expect(secondWins(new Date(0), '1970-01-01T00:00:00.000Z', new Date(0)), 'a Date and its ISO string').to.equal(true);
      expect(secondWins(1n, '1', 1n), 'a bigint and its string').to.equal(true);
      expect(secondWins(-0, 0, -0), '-0 and 0').to.equal(true);
      expect(checkLinearizable([w('a', 0, 0, 0), r('b', 0, 1, 1), w('c', -0, 0, 0)], models.register()).ok, 'write -0, write 0, read 0').to.equal(true);
      // ...and the model's own comparison: -0 is not 0, a Map's order counts, bigints by value.
      expect(checkLinearizable([w('a', 0, 0, 1), r('b', -0, 2, 3)], models.register()).ok).to.equal(false);
      expect(checkLinearizable([w('a', new Map([[1, 'x'], [2, 'y']]), 0, 1), r('b', new Map([[2, 'y'], [1, 'x']]), 2, 3)], models.register()).ok).to.equal(false);
      expect(checkLinearizable([w('a', 10n ** 30n, 0, 1), r('b', 10n ** 30n, 2, 3)], models.register()).ok).to.equal(true);
      // Instances of a class: by their members (a bigint among them too), RegExps by source and flags, toJSON when they have it.
      class Money { constructor(readonly amount: unknown) {} }
      class Stamp { constructor(private readonly at: number) {} toJSON(): string { return `t${this.at}`; } }
      expect(secondWins(new Money(5n), new Money(6n), new Money(5n)), 'a bigint member').to.equal(true);
      expect(secondWins(new Money(NaN), new Money(null), new Money(NaN)), 'NaN and null members').to.equal(true);
      expect(secondWins(/a/, /b/, /a/), 'RegExps').to.equal(true);
      expect(secondWins(new Stamp(1), new Stamp(2), new Stamp(1)), 'toJSON').to.equal(true);
      expect(checkLinearizable([w('a', new Money(5n), 0, 1), r('b', new Money(6n), 2, 3)], models.register()).ok).to.equal(false);
      expect(checkLinearizable([w('a', new Stamp(1), 0, 1), r('b', new Stamp(1), 2, 3)], models.register()).ok).to.equal(true);
    });

    it('should agree with a brute-force search on values JSON cannot tell apart (fast-check)', () => {
      const values = [null, NaN, Infinity, 0, -0, 1n, '1', new Date(0), '1970-01-01T00:00:00.000Z', new Map(), new Set()];
      const arbOp = fc.record({ write: fc.boolean(), value: fc.constantFrom(...values), call: fc.integer({ min: 0, max: 8 }), length: fc.integer({ min: 0, max: 4 }) });
      fc.assert(fc.property(fc.array(arbOp, { maxLength: 6 }), (raw) => {
        const history = raw.map((x, i) => (x.write ? w(`c${i}`, x.value, x.call, x.call + x.length) : r(`c${i}`, x.value, x.call, x.call + x.length)));
        return checkLinearizable(history, models.register()).ok === bruteForce(history, models.register());
      }), { seed: 7, numRuns: 2000 });
    });

    it('should minimise a 30-op sequential history with a stale read at the end in well under a second', async () => {
      // One writer and reader taking turns (write i, read i), then a read of the initial value after every write returned.
      const history: Operation[] = [];
      for (let i = 1; i <= 14; i++) history.push(w('a', i, 4 * i, 4 * i + 1), r('b', i, 4 * i + 2, 4 * i + 3));
      history.push(w('a', 15, 100, 101), r('b', null, 102, 103));
      const { result, ms } = await checkOnWorker(history, 'register', 10_000);
      expect(ms).to.be.below(500);
      expect(result.ok).to.equal(false);
      expect(result.counterexample).to.have.length(30);
      // The story: one write that returned, then the read of null. Weakening anything else still fails.
      expect(result.essential).to.have.length(2);
      expect(result.essential![0]!.op).to.equal('write');
      expect(result.essential![1]).to.deep.equal(history[29]);
      expect(checkLinearizable(history, models.register())).to.deep.equal(checkLinearizable(history, models.register()), 'deterministic');
    });

    it('should let an operation with an unknown outcome take effect, or not', () => {
      expect(checkLinearizable([w('a', 1, 0), r('b', 1, 5, 6)], models.register()).ok).to.equal(true);
      expect(checkLinearizable([w('a', 1, 0), r('b', null, 5, 6)], models.register()).ok).to.equal(true);
      // ...but not before it was called.
      expect(checkLinearizable([r('b', 1, 0, 1), w('a', 1, 5)], models.register()).ok).to.equal(false);
    });
  });

  describe('on a queue (a user-described model)', () => {
    it("should reject Herlihy & Wing's history: enq(x) then enq(y), yet y leaves first", () => {
      const history = [op('a', 'enq', 'x', undefined, 0, 1), op('b', 'enq', 'y', undefined, 2, 3), op('a', 'deq', undefined, 'y', 4, 5), op('b', 'deq', undefined, 'x', 6, 7)];
      expect(checkLinearizable(history, queue).ok).to.equal(false);
    });

    it('should accept it when the two enqueues overlap', () => {
      const history = [op('a', 'enq', 'x', undefined, 0, 3), op('b', 'enq', 'y', undefined, 1, 2), op('a', 'deq', undefined, 'y', 4, 5), op('b', 'deq', undefined, 'x', 6, 7)];
      expect(checkLinearizable(history, queue).ok).to.equal(true);
    });
  });

  describe('on the kv model', () => {
    const get = (c: string, key: string, out: unknown, call: number, ret?: number) => op(c, 'get', { key }, out, call, ret);
    const set = (c: string, key: string, value: string, call: number, ret?: number) => op(c, 'set', { key, value }, 'OK', call, ret);
    const incr = (c: string, key: string, out: number, call: number, ret?: number) => op(c, 'incr', { key }, out, call, ret);

    it('should check each key on its own: keys never constrain each other', () => {
      const history = [set('a', 'x', '1', 0, 1), set('b', 'y', '5', 0, 1), get('c', 'x', '1', 2, 3), get('c', 'y', '5', 2, 3), incr('a', 'x', 2, 4, 5), incr('b', 'y', 6, 4, 5)];
      expect(checkLinearizable(history, models.kv()).ok).to.equal(true);
    });

    it('should reject an INCR applied twice (a retry after a lost reply) and point at it', () => {
      const history = [set('a', 'x', '0', 0, 1), get('a', 'x', '0', 2, 3), incr('b', 'x', 2, 4, 9), get('c', 'y', null, 4, 5)];
      const result = checkLinearizable(history, models.kv());
      expect(result.ok).to.equal(false);
      expect(result.counterexample!.every((o) => (o.input as { key: string }).key === 'x')).to.equal(true);
      expect(result.essential).to.include(history[2]);
    });

    it('should minimise 30 sequential INCRs whose last skips a number in well under a second, to that INCR', async () => {
      const history: Operation[] = [];
      for (let i = 1; i <= 29; i++) history.push(incr('a', 'x', i, 2 * i, 2 * i + 1));
      history.push(incr('b', 'x', 31, 100, 101));
      const { result, ms } = await checkOnWorker(history, 'kv', 10_000);
      expect(ms).to.be.below(500);
      expect(result.ok).to.equal(false);
      expect(result.counterexample).to.have.length(30);
      expect(result.essential).to.deep.equal([history[29]]);
    });

    it('should accept an INCR whose reply was lost, seen by a later read or not', () => {
      expect(checkLinearizable([set('a', 'x', '0', 0, 1), incr('b', 'x', 0, 2), get('c', 'x', '1', 5, 6)], models.kv()).ok).to.equal(true);
      expect(checkLinearizable([set('a', 'x', '0', 0, 1), incr('b', 'x', 0, 2), get('c', 'x', '0', 5, 6)], models.kv()).ok).to.equal(true);
    });

    it('should reject ops the model does not know, and malformed histories, naming what is wrong', () => {
      expect(() => checkLinearizable([op('a', 'del', { key: 'x' }, 1, 0, 1)], models.kv())).to.throw(TypeError, /del/);
      expect(() => checkLinearizable('nope' as unknown as Operation[], models.kv())).to.throw(TypeError, /history/);
      expect(() => checkLinearizable([{ ...set('a', 'x', '1', 5, 1) }], models.kv())).to.throw(RangeError, /history\[0\]/);
      expect(() => checkLinearizable([], {} as Model)).to.throw(TypeError, /model/);
    });

    it('should refuse inputs the kv model cannot read, holes, pending outputs and bad options', () => {
      const kv = models.kv();
      expect(() => checkLinearizable([op('a', 'set', null, 'OK', 0, 1)], kv)).to.throw(TypeError, /kv: history\[0\]\.input must be \{ key: string, value \}/);
      expect(() => checkLinearizable([op('a', 'get', undefined, null, 0, 1)], kv)).to.throw(TypeError, /kv: history\[0\]\.input/);
      expect(() => checkLinearizable([op('a', 'set', { key: 'x' }, 'OK', 0, 1)], kv)).to.throw(TypeError, /set without input\.value/);
      // eslint-disable-next-line no-sparse-arrays
      expect(() => checkLinearizable([, op('a', 'get', { key: 'x' }, null, 0, 1)] as Operation[], kv)).to.throw(TypeError, /history\[0\] must be an operation/);
      const pendingWithOutput = { client: 'a', op: 'get', input: { key: 'x' }, output: '1', call: 0, return: Infinity };
      expect(() => checkLinearizable([pendingWithOutput], kv)).to.throw(TypeError, /history\[0\] has an unknown outcome .* but an output/);
      expect(() => checkLinearizable([], kv, { minimize: 'yes' } as never)).to.throw(TypeError, /opts\.minimize/);
    });
  });

  describe('minimising a counterexample', () => {
    it('should keep as essential exactly what the contradiction needs: weakening the rest fails, weakening any one more passes (fast-check)', () => {
      const arbOp = fc.record({
        write: fc.boolean(), value: fc.integer({ min: 0, max: 2 }), call: fc.integer({ min: 0, max: 12 }), length: fc.integer({ min: 0, max: 4 }), pending: fc.boolean(),
      });
      let failing = 0;
      fc.assert(fc.property(fc.array(arbOp, { maxLength: 6 }), (raw) => {
        const history = raw.map((x, i) => (x.write
          ? w(`c${i}`, x.value, x.call, x.pending ? undefined : x.call + x.length)
          : r(`c${i}`, x.value === 0 ? null : x.value, x.call, x.call + x.length)));
        const result = checkLinearizable(history, models.register());
        if (result.ok) return true;
        failing++;
        const { counterexample, essential } = result as Required<typeof result>;
        if (bruteForce(counterexample, models.register())) return false;
        if (!failsWeakened(counterexample, essential, models.register())) return false;
        return essential.every((o) => !failsWeakened(counterexample, essential.filter((e) => e !== o), models.register()));
      }), { seed: 23, numRuns: 1500 });
      expect(failing).to.be.above(100);
    });
  });

  describe('against a brute-force search', () => {
    it('should agree on every random small register history (fast-check)', () => {
      const arbOp = fc.record({
        client: fc.constantFrom('a', 'b', 'c'),
        write: fc.boolean(),
        value: fc.integer({ min: 0, max: 2 }),
        call: fc.integer({ min: 0, max: 20 }),
        length: fc.integer({ min: 0, max: 8 }),
        pending: fc.boolean(),
      });
      fc.assert(fc.property(fc.array(arbOp, { maxLength: 7 }), (raw) => {
        const history = raw.map((x) => (x.write
          ? w(x.client, x.value, x.call, x.pending ? undefined : x.call + x.length)
          : r(x.client, x.value === 0 ? null : x.value, x.call, x.call + x.length)));
        return checkLinearizable(history, models.register()).ok === bruteForce(history, models.register());
      }), { seed: 19, numRuns: 3000 });
    });
  });

  describe('History', () => {
    it('should number events in the order they happen, drop failed operations and leave unknown ones open', () => {
      const h = new History({ now: () => clock });
      const a = h.invoke('a', 'write', 1);
      const b = h.invoke('b', 'read', undefined);
      clock = 5;
      a.ok(undefined);
      const c = h.invoke('c', 'write', 2);
      c.fail();
      b.info();
      const ops = h.operations();
      expect(ops.map((o) => [o.client, o.call, o.return])).to.deep.equal([['a', 1, 3], ['b', 2, Infinity]]);
      expect(ops[0]!.at).to.deep.equal([0, 5]);
    });
  });
});
