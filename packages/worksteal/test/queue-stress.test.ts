// The shared-memory queues under real threads: a tiny deque robbed by three thieves, and the injector with three producers.
import { expect } from 'chai';
import { Worker } from 'node:worker_threads';
import { Deque, dequeWords, EMPTY } from '../src/queues/deque.js';
import { MpmcRing, mpmcWords } from '../src/queues/mpmc-ring.js';

const THREAD = new URL('./fixtures/queue-stress-thread.js', import.meta.url);

function startThread(data: Record<string, unknown>): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(THREAD, { workerData: data });
    worker.once('message', (taken: number) => resolve(taken));
    worker.once('error', reject);
  });
}

describe('Deque (Chase-Lev, in a SharedArrayBuffer)', function () {
  this.timeout(120_000);

  it('runs every one of a million tasks exactly once while three thieves steal from a deque of capacity 4', async () => {
    const capacity = 4;
    const tasks = 1_000_000;
    const doneIndex = dequeWords(capacity);
    const words = new SharedArrayBuffer((doneIndex + 2) * 4);
    const counts = new SharedArrayBuffer(tasks * 4);
    const deque = new Deque(new Int32Array(words), 0, capacity);
    const c = new Int32Array(counts);
    const thieves = [1, 2, 3].map(() => startThread({ role: 'thief', words, counts, capacity, doneIndex }));
    while (Atomics.load(new Int32Array(words), doneIndex + 1) < 3) await new Promise((r) => setTimeout(r, 1));
    let ownRuns = 0;
    const run = (task: number): void => {
      Atomics.add(c, task, 1);
      ownRuns++;
    };
    for (let i = 0; i < tasks; i++) {
      if (!deque.push(i)) run(i); // full: the owner runs it itself, as a worker overflows
      if (i % 3 === 0) {
        const task = deque.pop();
        if (task !== EMPTY) run(task);
      }
    }
    for (let task = deque.pop(); task !== EMPTY; task = deque.pop()) run(task);
    Atomics.store(new Int32Array(words), doneIndex, 1);
    const stolen = (await Promise.all(thieves)).reduce((a, b) => a + b, 0);

    expect(ownRuns + stolen, 'runs counted by the threads').to.equal(tasks);
    const wrong: number[] = [];
    for (let i = 0; i < tasks && wrong.length < 5; i++) if (c[i] !== 1) wrong.push(i);
    expect(wrong, 'tasks not run exactly once').to.deep.equal([]);
    expect(stolen, 'the thieves took part').to.be.greaterThan(0);
  });

  it('gives the owner LIFO order and thieves FIFO order', () => {
    const deque = new Deque(new Int32Array(dequeWords(8)), 0, 8);
    for (const t of [1, 2, 3, 4]) deque.push(t);
    expect(deque.steal()).to.equal(1);
    expect(deque.pop()).to.equal(4);
    const half: number[] = [];
    expect(deque.stealHalf(half, 8)).to.equal(1);
    expect(half).to.deep.equal([2]);
    expect(deque.pop()).to.equal(3);
    expect(deque.pop()).to.equal(EMPTY);
  });

  it('refuses a push when full, and keeps working after its indices wrap past 2^31', () => {
    const words = new Int32Array(dequeWords(4));
    const deque = new Deque(words, 0, 4);
    words[0] = 0x7ffffffe; // top
    words[1] = 0x7ffffffe; // bottom
    for (const t of [10, 11, 12, 13]) expect(deque.push(t)).to.equal(true);
    expect(deque.push(14)).to.equal(false);
    expect(deque.length).to.equal(4);
    expect([deque.steal(), deque.pop(), deque.steal(), deque.pop(), deque.pop()]).to.deep.equal([10, 13, 11, 12, EMPTY]);
  });
});

describe('MpmcRing (the injector and every other queue: bounded MPMC, in a SharedArrayBuffer)', function () {
  this.timeout(120_000);

  it('delivers every value exactly once with three producer-consumer threads and the main thread on a queue of 4', async () => {
    const capacity = 4;
    const perThread = 300_000;
    const doneIndex = mpmcWords(capacity);
    const words = new SharedArrayBuffer((doneIndex + 2) * 4);
    const counts = new SharedArrayBuffer(3 * perThread * 4);
    const injector = new MpmcRing(new Int32Array(words), 0, capacity);
    injector.init();
    const threads = [0, 1, 2].map((k) => startThread({
      role: 'injector', words, counts, capacity, doneIndex, from: k * perThread, to: (k + 1) * perThread,
    }));
    const c = new Int32Array(counts);
    let mine = 0;
    const all = Promise.all(threads);
    let finished = false;
    void all.then(() => { finished = true; });
    while (!finished) {
      const value = injector.pop();
      if (value !== EMPTY) {
        Atomics.add(c, value, 1);
        mine++;
      } else {
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    for (let value = injector.pop(); value !== EMPTY; value = injector.pop()) {
      Atomics.add(c, value, 1);
      mine++;
    }
    const theirs = (await all).reduce((a, b) => a + b, 0);
    expect(mine + theirs).to.equal(3 * perThread);
    const wrong: number[] = [];
    for (let i = 0; i < 3 * perThread && wrong.length < 5; i++) if (c[i] !== 1) wrong.push(i);
    expect(wrong, 'values not delivered exactly once').to.deep.equal([]);
  });

  it('waits for a consumer preempted between claiming a cell and handing it back, instead of reporting the queue full', async () => {
    // A consumer's pop is two steps: a CAS on dequeuePos, then a store of the cell's seq. Between the
    // two the cell is neither full nor free. A producer that comes round a lap meanwhile must not
    // take the queue for full (it holds nothing): the runtime ignores push's result, and the task
    // was lost. Here the main thread plays that consumer: it claims cell 0 by hand, pops the rest, and
    // a helper thread hands cell 0 back 200 ms later.
    const capacity = 4;
    const words = new Int32Array(new SharedArrayBuffer(mpmcWords(capacity) * 4));
    const ring = new MpmcRing(words, 0, capacity);
    ring.init();
    for (let v = 10; v < 14; v++) expect(ring.push(v)).to.equal(true);
    expect(Atomics.compareExchange(words, 1, 0, 1)).to.equal(0); // claims position 0 (step 2, first half)
    expect(Atomics.load(words, 3)).to.equal(10); // (its value)
    expect([ring.pop(), ring.pop(), ring.pop()]).to.deep.equal([11, 12, 13]);
    expect(ring.length).to.equal(0);
    const release = new Worker(
      "const { workerData } = require('node:worker_threads'); setTimeout(() => Atomics.store(new Int32Array(workerData), 2, 4), 200);",
      { eval: true, workerData: words.buffer },
    );
    try {
      const t0 = performance.now();
      expect(ring.push(14), 'push one lap on, while the claimed cell is not back yet').to.equal(true);
      expect(performance.now() - t0).to.be.at.least(150);
      expect(ring.pop()).to.equal(14);
    } finally {
      await release.terminate();
    }
  });

  it('reports full and empty', () => {
    const injector = new MpmcRing(new Int32Array(mpmcWords(2)), 0, 2);
    injector.init();
    expect(injector.pop()).to.equal(EMPTY);
    expect([injector.push(1), injector.push(2), injector.push(3)]).to.deep.equal([true, true, false]);
    expect([injector.pop(), injector.pop(), injector.pop()]).to.deep.equal([1, 2, EMPTY]);
  });
});
