// Worker deaths: a throw at top level, process.exit and running out of memory each fail the task with
// WorkerCrashedError, the worker is replaced, and the runtime keeps working.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { threadId, type Worker } from 'node:worker_threads';
import { WorkerCrashedError } from '@runtime-traits/core';
import { WorkStealingRuntime } from '../src/index.js';
import { workerHeapLimitsApplied } from './fixtures/engine.js';
import { add, blockFor, echo, exhaustMemory, exitThread, sumBytes, throwAtTopLevel, throwHandled } from './fixtures/tasks.js';

async function rejection(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Whether a worker can run out of its own heap here (fixtures/engine.ts). */
let heapLimits = true;

describe('WorkStealingRuntime when a worker dies', function () {
  this.timeout(60_000);
  let rt: WorkStealingRuntime;
  before(async () => {
    heapLimits = await workerHeapLimitsApplied();
  });
  beforeEach(async () => {
    rt = await WorkStealingRuntime.create({ workers: 1, resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 } });
  });
  afterEach(() => rt.shutdown());

  for (const [how, def] of [['throws at top level', throwAtTopLevel], ['calls process.exit', exitThread], ['runs out of memory', exhaustMemory]] as const) {
    it(`fails the task with WorkerCrashedError and replaces the worker when it ${how}`, async function () {
      if (def === exhaustMemory && !heapLimits) this.skip(); // capability: the engine does not apply worker_threads resourceLimits (Bun), so a worker cannot run out of its own heap
      const error = await rejection(rt.executor.spawn(def as typeof add, [] as unknown as [number, number]));
      expect(WorkerCrashedError.is(error), String(error)).to.equal(true);
      expect((error as WorkerCrashedError).code).to.equal('ERR_WORKER_CRASHED');
      // The main thread was free to hear the thread's own exit: the error names what killed it.
      const message = (error as Error).message;
      if (def === exhaustMemory) expect(message, message).to.match(/memory/i);
      if (def === exitThread) expect(message, message).to.match(/exit/i);
      // (The start is enough: a dying thread writes its tasks' errors into their slots, cutting a long message to fit; Bun's records are larger.)
      if (def === throwAtTopLevel) expect(message, 'not "exited with code 1"').to.match(/died while running this task: uncaught exception: Error: thrown at the/);
      // The only worker was replaced: new tasks still run.
      expect(await rt.executor.spawn(add, [2, 3])).to.equal(5);
      expect(rt.metrics().crashes).to.equal(1);
    });
  }

  it('names process.exit, not an earlier uncaught exception that a listener handled, as what ended the worker', async () => {
    expect(await rt.executor.spawn(throwHandled, []), 'the thread ran on').to.equal(0);
    const error = await rejection(rt.executor.spawn(exitThread as typeof add, [] as unknown as [number, number]));
    expect((error as Error).message).to.match(/died while running this task: worker exited with code 7$/);
  });

  it('fails only the task that killed its worker; the ones queued behind it run on the replacement, once each', async () => {
    // Five deaths in a row: a death whose recovery raced the dying thread (a slot completed twice, a
    // queued task run twice or with another task's payload) shows up as a wrong or missing value.
    for (let round = 1; round <= 5; round++) {
      const doomed = rt.executor.spawn(exitThread, []);
      const queued = [1, 2, 3].map((i) => rt.executor.spawn(add, [i, 10 * round]));
      const [death, ...outcomes] = await Promise.allSettled([doomed, ...queued]);
      expect(death!.status).to.equal('rejected');
      expect(WorkerCrashedError.is((death as PromiseRejectedResult).reason), String((death as PromiseRejectedResult).reason)).to.equal(true);
      expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : String(o.reason))), `round ${round}`).to.deep.equal([1, 2, 3].map((i) => i + 10 * round));
    }
    expect(await rt.executor.spawn(add, [2, 3])).to.equal(5);
    expect(rt.metrics()).to.include({ crashes: 5, active: 0 });
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
  it('fails a join blocked on the main thread when the worker running b runs out of memory', async function () {
    if (!heapLimits) this.skip(); // capability: the engine does not apply worker_threads resourceLimits (Bun), so a worker cannot run out of its own heap
    const { out, ended } = await joinOomChild([]);
    expect(out).to.contain('join threw WorkerCrashedError; then add(2, 3) = 5; crashes 1');
    expect(ended, 'exited by itself (not killed)').to.deep.equal([0, null]);
  });

  it('fails a join blocked on the main thread when a join nested in b loses its b to out-of-memory on the other worker', async function () {
    if (!heapLimits) this.skip(); // capability: the engine does not apply worker_threads resourceLimits (Bun), so a worker cannot run out of its own heap
    const { out, ended } = await joinOomChild(['nested']);
    expect(out).to.contain('join threw WorkerCrashedError; died on another worker than its joiner: true; then add(2, 3) = 5; crashes 1');
    expect(ended, 'exited by itself (not killed)').to.deep.equal([0, null]);
  });

  it('fails a join blocked on the main thread whose b calls process.exit on its worker', async () => {
    const { out, ended } = await joinOomChild(['exit']);
    expect(out).to.contain('join threw WorkerCrashedError; then add(2, 3) = 5; crashes 1');
    expect(ended, 'exited by itself (not killed)').to.deep.equal([0, null]);
    // No engine-specific probe of a worker's event loop (Bun printed NotImplementedError for Worker.performance).
    expect(out).to.not.contain('NotImplemented');
  });
});

describe('WorkStealingRuntime when replacement threads die while starting', function () {
  this.timeout(60_000);

  /** Terminates every thread the pool creates from now until allow() (each dies before it says 'ready'); notes when each was made. */
  function refuseStarts(): { made: number[]; allow(): void } {
    const made: number[] = [];
    const onWorker = (worker: Worker): void => {
      made.push(performance.now());
      void worker.terminate();
    };
    process.on('worker', onWorker);
    return { made, allow: () => { process.off('worker', onWorker); } };
  }

  it('starts each next replacement later (10 ms, doubling), then hands the one that starts the mail it missed', async () => {
    const rt = await WorkStealingRuntime.create({ workers: 2, stealing: false });
    try {
      const starts = refuseStarts();
      const death = await rejection(rt.spawnOn(0, exitThread, []));
      expect(WorkerCrashedError.is(death), String(death)).to.equal(true);
      // Placed on that worker meanwhile, with arguments big enough to travel by message: bound to an
      // endpoint whose next thread dies, it fails like a task its thread died holding.
      const big = 'x'.repeat(200_000);
      const lost = rejection(rt.spawnOn(0, echo, [big]));
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      const made = [...starts.made];
      starts.allow();
      expect(WorkerCrashedError.is(await lost)).to.equal(true);
      // Placed while the next replacement waits out its delay: held, and handed to it once it starts,
      // as it was when it was spawned (its arguments copied then, its transfers moved then).
      const value = { n: 1, big };
      const placed = rt.spawnOn(0, echo, [value]);
      value.n = 2;
      const bytes = new Uint8Array(300_000).fill(1);
      const summed = rt.spawnOn(0, sumBytes, [bytes.buffer], { transfer: [bytes.buffer] });
      await new Promise((resolve) => setImmediate(resolve)); // the spawn is sent within this turn
      expect(bytes.byteLength, 'a transferred buffer is detached when the spawn is sent').to.equal(0);

      // A replacement per exit event would make dozens in 1.2 s; delays of 10, 20, 40 ... ms make about 7.
      expect(made.length, 'replacements started in 1.2 s').to.be.within(3, 12);
      made.slice(1).forEach((at, i) => {
        expect(at - made[i]!, `gap before replacement ${i + 2}`).to.be.at.least(10 * 2 ** i - 2);
      });
      expect(await placed).to.deep.equal({ n: 1, big });
      expect(await summed).to.equal(300_000);
      expect(await rt.spawnOn(0, add, [2, 3])).to.equal(5);
      expect(await rt.spawnOn(1, add, [3, 4])).to.equal(7);
    } finally {
      await rt.shutdown();
    }
  });

  it('starts a replacement that falls due while the main thread is blocked in a join (its timer cannot fire there)', async () => {
    const rt = await WorkStealingRuntime.create({ workers: 2 });
    try {
      const starts = refuseStarts();
      await rejection(rt.executor.spawn(exitThread, []));
      await new Promise((resolve) => setTimeout(resolve, 300)); // several refused: the next one waits 160 ms or more
      starts.allow();
      const pool = (rt as unknown as { pool: { threads: Array<{ epoch: number } | undefined> } }).pool;
      const epochs = (): number[] => pool.threads.map((t) => t?.epoch ?? 0);
      const before = epochs();
      // a keeps main busy 50 ms, time for the live worker to steal b; b keeps that worker busy
      // 2.5 s (longer than any delay), while main waits for it, blocked.
      const [a, b] = rt.executor.join(blockFor, [50], blockFor, [2_500]);
      const after = epochs(); // read before any timer could run
      expect(a, 'a ran on the main thread').to.equal(threadId);
      expect(b, 'b was stolen').to.not.equal(threadId);
      expect(after.some((epoch, e) => epoch > before[e]!), `a thread started during the join (epochs ${before} -> ${after})`).to.equal(true);
      expect(await rt.executor.spawn(add, [2, 3])).to.equal(5);
    } finally {
      await rt.shutdown();
    }
  });

  it('starts no replacement after shutdown() while one waits out its delay', async () => {
    const rt = await WorkStealingRuntime.create({ workers: 1 });
    const starts = refuseStarts();
    try {
      await rejection(rt.executor.spawn(exitThread, []));
      await new Promise((resolve) => setTimeout(resolve, 100));
      await rt.shutdown();
      const before = starts.made.length;
      await new Promise((resolve) => setTimeout(resolve, 2_500)); // past the longest delay
      expect(starts.made.length, 'threads made after shutdown').to.equal(before);
    } finally {
      starts.allow();
      await rt.shutdown();
    }
  });
});
