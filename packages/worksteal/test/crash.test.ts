// Worker deaths: a throw at top level, process.exit and running out of memory each fail the task with
// WorkerCrashedError, the worker is replaced, and the runtime keeps working.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WorkerCrashedError } from '@runtime-traits/core';
import { WorkStealingRuntime } from '../src/index.js';
import { add, exhaustMemory, exitThread, throwAtTopLevel } from './fixtures/tasks.js';

async function rejection(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('WorkStealingRuntime when a worker dies', function () {
  this.timeout(60_000);
  let rt: WorkStealingRuntime;
  beforeEach(async () => {
    rt = await WorkStealingRuntime.create({ workers: 1, resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 } });
  });
  afterEach(() => rt.shutdown());

  for (const [how, def] of [['throws at top level', throwAtTopLevel], ['calls process.exit', exitThread], ['runs out of memory', exhaustMemory]] as const) {
    it(`fails the task with WorkerCrashedError and replaces the worker when it ${how}`, async () => {
      const error = await rejection(rt.executor.spawn(def as typeof add, [] as unknown as [number, number]));
      expect(WorkerCrashedError.is(error), String(error)).to.equal(true);
      expect((error as WorkerCrashedError).code).to.equal('ERR_WORKER_CRASHED');
      // The only worker was replaced: new tasks still run.
      expect(await rt.executor.spawn(add, [2, 3])).to.equal(5);
      expect(rt.metrics().crashes).to.equal(1);
    });
  }

  it('fails every task the dead worker held and runs the ones still queued', async () => {
    const doomed = rt.executor.spawn(exitThread, []);
    const queued = [1, 2, 3].map((i) => rt.executor.spawn(add, [i, 10]));
    const outcomes = await Promise.allSettled([doomed, ...queued]);
    expect(outcomes[0]!.status).to.equal('rejected');
    // Tasks queued behind the crash either ran (on the replacement) or failed with WorkerCrashedError; none hangs.
    for (const [i, outcome] of outcomes.slice(1).entries()) {
      if (outcome.status === 'fulfilled') expect(outcome.value).to.equal(i + 11);
      else expect(WorkerCrashedError.is(outcome.reason)).to.equal(true);
    }
  });

  /** Runs fixtures/join-oom-child.js with `args`; returns what it printed and how it ended (killed after 45 s). */
  async function joinOomChild(args: string[]): Promise<{ out: string; ended: [number | null, string | null] }> {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/join-oom-child.js', import.meta.url)), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    const killer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    const ended = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    clearTimeout(killer);
    return { out, ended };
  }

  // The main thread cannot see a worker's exit event while join blocks it; before the fix the two
  // out-of-memory joins waited for ever.
  it('fails a join blocked on the main thread when the worker running b runs out of memory', async () => {
    const { out, ended } = await joinOomChild([]);
    expect(out).to.contain('join threw WorkerCrashedError; then add(2, 3) = 5; crashes 1');
    expect(ended, 'exited by itself (not killed)').to.deep.equal([0, null]);
  });

  it('fails a join blocked on the main thread when a join nested in b loses its b to out-of-memory on the other worker', async () => {
    const { out, ended } = await joinOomChild(['nested']);
    expect(out).to.contain('join threw WorkerCrashedError; died on another worker than its joiner: true; then add(2, 3) = 5; crashes 1');
    expect(ended, 'exited by itself (not killed)').to.deep.equal([0, null]);
  });

  it('fails a join blocked on the main thread whose b calls process.exit on its worker', async () => {
    const { out, ended } = await joinOomChild(['exit']);
    expect(out).to.contain('join threw WorkerCrashedError; then add(2, 3) = 5; crashes 1');
    expect(ended, 'exited by itself (not killed)').to.deep.equal([0, null]);
  });
});
