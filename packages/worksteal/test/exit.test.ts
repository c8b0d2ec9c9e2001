// After shutdown() the process exits by itself: checked in a child process with a deadline.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { WorkStealingRuntime } from '../src/index.js';
import { add } from './fixtures/tasks.js';

describe('WorkStealingRuntime shutdown', function () {
  this.timeout(60_000);

  it('stops every thread, so a program that shut the runtime down exits by itself', async () => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/exit-child.js', import.meta.url))], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    const killer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(killer);
    expect(out).to.contain('done 100 6765');
    expect(code, 'exited by itself (not killed)').to.equal(0);
  });

  it('tells every thread to end, and each ends by itself: none is left to be terminated after the grace period', async () => {
    // A thread terminated by the runtime exits with code 1; one that ended by itself, with 0. The
    // shutdown word used to be lost when it landed between a thread's last check and its park,
    // which left that thread asleep until the 500 ms grace ran out (about one shutdown in five).
    // Every other round uses spawnBlocking too: its threads used to be stopped twice, the second
    // time waiting out the grace for an exit event already past, then terminating a dead thread.
    const codes: number[] = [];
    let terminations = 0;
    const onWorker = (worker: Worker): void => {
      worker.once('exit', (code) => codes.push(code));
      const terminate = worker.terminate.bind(worker);
      worker.terminate = () => { terminations++; return terminate(); };
    };
    process.on('worker', onWorker);
    try {
      for (let i = 0; i < 20; i++) {
        const rt = await WorkStealingRuntime.create({ workers: 2, blockingThreads: 1 });
        expect(await rt.executor.spawn(add, [i, 1])).to.equal(i + 1);
        if (i % 2 === 1) expect(await rt.executor.spawnBlocking(add, [i, 2])).to.equal(i + 2);
        if (i % 4 === 0) expect(rt.executor.join(add, [i, 1], add, [i, 2])).to.deep.equal([i + 1, i + 2]); // starts the watchdog
        await rt.shutdown();
      }
    } finally {
      process.off('worker', onWorker);
    }
    expect(codes).to.have.length(20 * 2 + 10 + 5); // two workers each time, a blocking thread every other time, the watchdog every fourth (a join on main)
    expect(codes.filter((c) => c !== 0), 'exit codes other than 0').to.deep.equal([]);
    expect(terminations, 'threads terminated').to.equal(0);
  });
});
