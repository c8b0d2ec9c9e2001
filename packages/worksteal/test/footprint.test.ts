// What a runtime costs before it does anything: the threads it starts and what each of them loads.
import { expect } from 'chai';
import type { Worker } from 'node:worker_threads';
import { WorkStealingRuntime } from '../src/index.js';
import { add, builtinsLoaded } from './fixtures/tasks.js';

describe('WorkStealingRuntime footprint', function () {
  this.timeout(30_000);

  it('starts the watchdog thread only when the main thread first joins', async () => {
    const started: Worker[] = [];
    const onWorker = (worker: Worker): void => { started.push(worker); };
    const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve)); // Node emits 'worker' on the next tick
    process.on('worker', onWorker);
    const rt = await WorkStealingRuntime.create({ workers: 2 });
    try {
      expect(await rt.executor.spawn(add, [1, 2])).to.equal(3);
      expect(started, 'threads after a spawn').to.have.length(2);
      expect(rt.executor.join(add, [1, 1], add, [2, 2])).to.deep.equal([2, 4]);
      await turn();
      expect(started, 'threads after a join on main').to.have.length(3);
      expect(rt.executor.join(add, [3, 3], add, [4, 4])).to.deep.equal([6, 8]);
      await turn();
      expect(started, 'threads after a second join').to.have.length(3);
    } finally {
      process.off('worker', onWorker);
      await rt.shutdown();
    }
  });

  it("keeps node:tls and node:http out of a worker whose tasks do not use them (~15 MiB of a thread's memory)", async function () {
    const rt = await WorkStealingRuntime.create({ workers: 1 });
    try {
      const loaded = await rt.executor.spawn(builtinsLoaded, []);
      if (loaded === null) this.skip(); // capability: process.moduleLoadList listing the loaded builtins (Node's; Bun's is empty)
      expect(loaded, 'the worker loaded node:net for its reactor').to.include('net');
      expect(loaded).to.not.include('tls');
      expect(loaded).to.not.include('http');
    } finally {
      await rt.shutdown();
    }
  });
});
