// What crosses back from a worker: errors whole (message, stack, thrown values), and a join's error while the main thread is blocked in its own join.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { WorkStealingRuntime } from '../src/index.js';
import { readMissing, throwLong, throwObject } from './fixtures/tasks.js';

const run = promisify(execFile);

describe('WorkStealingRuntime results and errors across threads', function () {
  this.timeout(30_000);
  let rt: WorkStealingRuntime;
  before(async () => { rt = await WorkStealingRuntime.create({ workers: 1, blockingThreads: 1 }); });
  after(() => rt.shutdown());

  const failure = (task: PromiseLike<unknown>): Promise<unknown> => Promise.resolve(task).then(() => 'resolved', (error: unknown) => error);

  it('rejects with the whole error a task threw, however long its message, with the stack from the worker', async () => {
    for (const n of [10, 300, 5000]) {
      for (const spawn of [rt.executor.spawn.bind(rt.executor), rt.executor.spawnBlocking.bind(rt.executor)]) {
        const error = await failure(spawn(throwLong, [n])) as Error;
        expect(error).to.be.instanceOf(RangeError);
        expect(error.message).to.have.length(n + 4);
        expect(error.message.endsWith('|END')).to.equal(true);
        expect(error.stack, 'the stack where it was thrown').to.contain('fixtures/tasks.js');
      }
    }
  });

  it('rejects with a thrown non-error as it was thrown, even a large one', async () => {
    for (const n of [10, 1000]) {
      expect(await failure(rt.executor.spawn(throwObject, [n]))).to.deep.equal({ code: 'BIG', detail: 'd'.repeat(n) });
    }
  });

  it("rejects with the error's cause and own fields: a system error's code, errno, syscall and path", async () => {
    const path = '/no/such/dir/config.json';
    const local = await import('node:fs/promises').then((fs) => fs.readFile(path)).then(() => undefined, (e: unknown) => e) as Record<string, unknown>;
    for (const spawn of [rt.executor.spawn.bind(rt.executor), rt.executor.spawnBlocking.bind(rt.executor)]) {
      const error = await failure(spawn(readMissing, [path])) as Error & { retryable?: boolean };
      expect(error.message).to.equal(`cannot load the config at ${path}`);
      expect(error.retryable).to.equal(false);
      const cause = error.cause as Record<string, unknown>;
      expect(cause).to.be.instanceOf(Error);
      for (const key of ['message', 'code', 'errno', 'syscall', 'path']) expect(cause[key], key).to.equal(local[key]);
    }
  });

  it('gives a join inside a worker the error of its b, stolen by another thread, while the main thread is blocked in a join of its own', async () => {
    // In a child: were the error to wait for the main thread, main (blocked in Atomics.wait) and the
    // worker would wait for each other for ever, and no timer of this process could end the test.
    const program = `
      import { WorkStealingRuntime } from ${JSON.stringify(new URL('../src/index.js', import.meta.url).href)};
      import { joinCatching, spinFor } from ${JSON.stringify(new URL('./fixtures/tasks.js', import.meta.url).href)};
      const rt = await WorkStealingRuntime.create({ workers: 2 });
      const seen = [];
      // main blocks in its join (a spins 150 ms); the worker running b joins, and its own b is stolen.
      for (let i = 0; i < 3; i++) seen.push(rt.executor.join(spinFor, [150], joinCatching, [100])[1]);
      await rt.shutdown();
      console.log(JSON.stringify(seen));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', program], { timeout: 20_000 });
    expect(JSON.parse(stdout)).to.deep.equal(Array(3).fill('RangeError: b failed inside a join'));
  });
});
