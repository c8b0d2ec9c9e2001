// BullMQRuntime against a real Redis and one worker process: values, errors, cancellation, checks, shutdown.
import { mkdtempSync, existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Queue } from 'bullmq';
import { CancelledError, NetError, RuntimeError, RuntimeShutdownError, TimeoutError } from '@runtime-traits/core';
import { BullMQRuntime } from '../src/index.js';
import { echo, double, flaky, undefinedHere, throwError, waitForCancel, markAndSleep } from './fixtures/tasks.js';
import { evil } from './outside/evil.js';
import { startRedis, type TestRedis } from './helpers/redis.js';
import { startWorker, type WorkerProcess } from './helpers/workers.js';
import { jobIdOf } from './helpers/job-id.js';
import { waitFor } from './helpers/wait.js';

describe('BullMQRuntime', function () {
  this.timeout(60_000);
  let redis: TestRedis;
  let worker: WorkerProcess;
  let runtime: BullMQRuntime;
  let dir: string;
  const queue = 'runtime-test';

  before(async () => {
    redis = await startRedis();
    worker = await startWorker({ redis: redis.url, queue, concurrency: 4 });
  });
  after(async () => {
    await worker?.stop();
    await redis?.stop();
  });
  beforeEach(async () => {
    runtime = await BullMQRuntime.create({ connection: redis.url, queue });
    dir = mkdtempSync(path.join(os.tmpdir(), 'rt-bullmq-'));
  });
  afterEach(async () => {
    await runtime.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('having a worker on the queue', () => {
    it('should name itself bullmq and claim spawn.distributed', () => {
      expect(runtime.name).to.equal('bullmq');
      expect(runtime.capabilities.has('spawn.distributed')).to.equal(true);
    });

    it('should settle a spawned task with the result computed by the worker', async () => {
      const task = runtime.executor.spawn(double, [21]);
      expect(task.id).to.be.a('number').greaterThan(0);
      expect(await task).to.equal(42);
      expect(task.state).to.equal('completed');
    });

    it('should carry Map, Set, Date, typed arrays and bigint there and back', async () => {
      const value = {
        map: new Map<string, unknown>([['a', 1], ['b', new Set([1n, 2n])]]),
        when: new Date(1_700_000_000_000),
        bytes: new Uint8Array([1, 2, 250]),
        floats: new Float64Array([0.5, -1]),
        big: 2n ** 70n,
        nested: [undefined, null, -0, NaN],
      };
      const back = await runtime.executor.spawn(echo, [value]) as typeof value;
      expect(back.map).to.be.instanceOf(Map);
      expect([...(back.map.get('b') as Set<bigint>)]).to.deep.equal([1n, 2n]);
      expect(back.when).to.be.instanceOf(Date);
      expect(back.when.getTime()).to.equal(1_700_000_000_000);
      expect(back.bytes).to.be.instanceOf(Uint8Array);
      expect([...back.bytes]).to.deep.equal([1, 2, 250]);
      expect([...back.floats]).to.deep.equal([0.5, -1]);
      expect(back.big).to.equal(2n ** 70n);
      expect(Object.is(back.nested[2], -0)).to.equal(true);
      expect(Number.isNaN(back.nested[3])).to.equal(true);
    });

    it('should run spawnBlocking tasks on the worker too', async () => {
      expect(await runtime.executor.spawnBlocking(double, [5])).to.equal(10);
    });

    it('should run spawnLocal bodies here, with cx.runtime being this runtime', async () => {
      const seen = await runtime.executor.spawnLocal((cx) => cx.runtime);
      expect(seen).to.equal(runtime);
    });
  });

  describe('when a task fails on the worker', () => {
    const cases: Array<[string, new (...args: never[]) => Error, string | undefined]> = [
      ['TypeError', TypeError, 'E_TYPE'],
      ['RangeError', RangeError, undefined],
      ['TimeoutError', TimeoutError, 'ETIMEDOUT'],
      ['NetError', NetError, 'ECONNRESET'],
      ['RuntimeError', RuntimeError, 'ERR_X'],
      ['Error', Error, 'E_PLAIN'],
    ];
    for (const [kind, ErrorClass, code] of cases) {
      it(`should reject with the same class, message and code (${kind})`, async () => {
        const error = await runtime.executor.spawn(throwError, [kind, `boom ${kind}`, code]).then(() => undefined, (e: unknown) => e as Error & { code?: string; remoteStack?: string });
        expect(error).to.be.instanceOf(ErrorClass);
        if (kind === 'Error') expect(error!.constructor).to.equal(Error);
        expect(error!.message).to.equal(`boom ${kind}`);
        expect(error!.code).to.equal(code);
        expect(error!.remoteStack).to.include('fixtures/tasks.js');
      });
    }

    it('should refuse a module outside --allow with a TypeError naming it and the allowed directories', async () => {
      const error = await runtime.executor.spawn(evil, []).then(() => undefined, (e: unknown) => e as Error);
      expect(error).to.be.instanceOf(TypeError);
      expect(error!.message).to.include(evil.module);
      expect(error!.message).to.include('allowed directories');
      expect(error!.message).to.include('fixtures');
    });

    it('should reject with a TypeError when the module does not define the def', async () => {
      const error = await runtime.executor.spawn(undefinedHere, []).then(() => undefined, (e: unknown) => e as Error);
      expect(error).to.be.instanceOf(TypeError);
      expect(error!.message).to.include('notDefinedHere');
      expect(Object.keys(error!), "no mark of the worker's own on it").to.deep.equal([]);
    });
  });

  describe('with attempts and backoff', () => {
    it('should retry a failing task until it succeeds within its attempts', async () => {
      const retrying = await BullMQRuntime.create({ connection: redis.url, queue, attempts: 3, backoff: 10 });
      try {
        expect(await retrying.executor.spawn(flaky, [path.join(dir, 'tries'), 3])).to.equal(3);
      } finally {
        await retrying.shutdown();
      }
    });

    it('should reject with the last error once attempts are used up', async () => {
      const retrying = await BullMQRuntime.create({ connection: redis.url, queue, attempts: 2, backoff: 10 });
      try {
        const error = await retrying.executor.spawn(flaky, [path.join(dir, 'tries'), 5]).then(() => undefined, (e: unknown) => e as Error);
        expect(error!.message).to.equal('try 2 failed');
        expect(readFileSync(path.join(dir, 'tries'), 'utf8')).to.equal('2');
      } finally {
        await retrying.shutdown();
      }
    });
  });

  describe('cancel()', () => {
    it('should abort the running task on the worker, reject CancelledError, and not retry it', async () => {
      const retrying = await BullMQRuntime.create({ connection: redis.url, queue, attempts: 3, backoff: 10 });
      try {
        const task = retrying.executor.spawn(waitForCancel, [dir, 'a']);
        await waitFor(() => existsSync(path.join(dir, 'a.started')));
        await task.cancel('enough');
        expect(task.state).to.equal('cancelled');
        const error = await Promise.resolve(task).then(() => undefined, (e: unknown) => e);
        expect(CancelledError.is(error)).to.equal(true);
        expect(readFileSync(path.join(dir, 'a.aborted'), 'utf8')).to.equal('enough');
        const jobs = new Queue(queue, { connection: { url: redis.url } });
        try {
          const jobId = jobIdOf(task);
          const job = await jobs.getJob(jobId);
          expect(job?.attemptsMade ?? 0).to.be.at.most(1);
          expect(await job?.getState()).to.equal('failed');
        } finally {
          await jobs.close();
        }
      } finally {
        await retrying.shutdown();
      }
    });

    it('should remove a queued task so that it never runs', async () => {
      // Four blockers fill the worker's four slots; the fifth task waits in Redis.
      const blockers = [0, 1, 2, 3].map((i) => runtime.executor.spawn(waitForCancel, [dir, `b${i}`]));
      await waitFor(() => [0, 1, 2, 3].every((i) => existsSync(path.join(dir, `b${i}.started`))));
      const queued = runtime.executor.spawn(markAndSleep, [dir, 'queued', 0]);
      const jobId = jobIdOf(queued);
      const jobs = new Queue(queue, { connection: { url: redis.url } });
      try {
        await waitFor(async () => (await jobs.getJob(jobId)) !== undefined, 'the job in Redis');
        await queued.cancel('no longer needed');
        expect(queued.state).to.equal('cancelled');
        const why = await Promise.resolve(queued).then(() => undefined, (e: unknown) => e as Error);
        expect(why?.cause, "the caller's reason, not the removal event's").to.equal('no longer needed');
        expect(await jobs.getJob(jobId)).to.equal(undefined);
      } finally {
        await jobs.close();
      }
      await Promise.all(blockers.map((b) => b.cancel()));
      // A task spawned now runs: had the cancelled one stayed queued it would have run before it.
      expect(await runtime.executor.spawn(double, [1])).to.equal(2);
      expect(existsSync(path.join(dir, `queued.${worker.pid}`))).to.equal(false);
    });

    it('should settle a job someone else removed from Redis as cancelled, not as a failure to report', async () => {
      const blockers = [0, 1, 2, 3].map((i) => runtime.executor.spawn(waitForCancel, [dir, `r${i}`]));
      await waitFor(() => [0, 1, 2, 3].every((i) => existsSync(path.join(dir, `r${i}.started`))));
      const queued = runtime.executor.spawn(markAndSleep, [dir, 'removed', 0]).detach();
      const jobs = new Queue(queue, { connection: { url: redis.url } });
      try {
        await waitFor(async () => (await jobs.getJob(jobIdOf(queued))) !== undefined, 'the job in Redis');
        expect(await jobs.remove(jobIdOf(queued))).to.equal(1);
        await waitFor(() => queued.state !== 'pending' && queued.state !== 'running', 'the handle to settle');
        expect(queued.state).to.equal('cancelled');
        expect((await runtime.metrics()).failed).to.equal(0);
      } finally {
        await jobs.close();
      }
      await Promise.all(blockers.map((b) => b.cancel()));
    });

    it('should never send a task cancelled in the same tick it was spawned', async () => {
      const task = runtime.executor.spawn(markAndSleep, [dir, 'never', 0]);
      await task.cancel();
      expect(await runtime.executor.spawn(double, [2])).to.equal(4);
      expect(existsSync(path.join(dir, `never.${worker.pid}`))).to.equal(false);
    });

    it('should settle at once while Redis is down, and the task cancelled then should never run once Redis is back', async () => {
      const own = await startRedis();
      const rt = await BullMQRuntime.create({ connection: own.url, queue: 'down-cancel' });
      // Two slots: the cancel message for `down-running` may be lost while the worker resubscribes, keeping one busy.
      const w = await startWorker({ redis: own.url, queue: 'down-cancel', concurrency: 2 });
      try {
        const running = rt.executor.spawn(waitForCancel, [dir, 'down-running']);
        await waitFor(() => existsSync(path.join(dir, 'down-running.started')));
        await own.stop();
        const controller = new AbortController();
        const later = rt.executor.spawn(markAndSleep, [dir, 'down-later', 0], { signal: controller.signal });
        await new Promise((resolve) => setTimeout(resolve, 300)); // sent: waiting in ioredis's offline queue
        const settled = (task: PromiseLike<unknown>): Promise<unknown> => Promise.race([
          Promise.resolve(task).then(() => 'resolved', (e: unknown) => e),
          new Promise((resolve) => setTimeout(() => resolve('still pending after 2 s'), 2000)),
        ]);
        expect(await settled(running.cancel('gone')), 'cancel() of a running task').to.equal('resolved');
        expect(CancelledError.is(await settled(running))).to.equal(true);
        controller.abort('gone');
        expect(CancelledError.is(await settled(later)), 'a task spawned during the outage, its signal aborted').to.equal(true);
        // Redis comes back (empty): the job of `later` goes out with its removal right behind it.
        await own.restart();
        const jobs = new Queue('down-cancel', { connection: { url: own.url } });
        try {
          await waitFor(async () => (await jobs.getWorkers().catch(() => [])).length > 0, 'the worker to reconnect', 60_000);
        } finally {
          await jobs.close();
        }
        // Jobs are taken in order: had `later` stayed queued, it would have started before this one.
        expect(await rt.executor.spawn(double, [3])).to.equal(6);
        expect(existsSync(path.join(dir, `down-later.${w.pid}`))).to.equal(false);
      } finally {
        await w.kill();
        await rt.shutdown();
        await own.stop();
      }
    });

    it('should cancel when the spawn signal aborts', async () => {
      const controller = new AbortController();
      const task = runtime.executor.spawn(waitForCancel, [dir, 'sig'], { signal: controller.signal });
      await waitFor(() => existsSync(path.join(dir, 'sig.started')));
      controller.abort('signal');
      const error = await Promise.resolve(task).then(() => undefined, (e: unknown) => e);
      expect(CancelledError.is(error)).to.equal(true);
    });
  });

  describe('argument checks', () => {
    it('should throw the kit TypeErrors synchronously', () => {
      expect(() => runtime.executor.spawn({} as never, [])).to.throw(TypeError, /def/);
      expect(() => runtime.executor.spawn(double, 1 as never)).to.throw(TypeError, /args/);
      expect(() => runtime.executor.spawn(echo, [() => 1] as never)).to.throw(TypeError, /args\[0\]/);
      expect(() => runtime.executor.spawn(double, [1], 'x' as never)).to.throw(TypeError, /opts/);
    });

    it('should reject bad create options with errors naming them', async () => {
      const failure = (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e);
      expect(await failure(BullMQRuntime.create({ connection: 'http://x' }))).to.be.instanceOf(TypeError);
      expect(await failure(BullMQRuntime.create({ attempts: 0 }))).to.be.instanceOf(RangeError);
      expect(await failure(BullMQRuntime.create({ queue: '' }))).to.be.instanceOf(TypeError);
      // (ioredis said "The "hostname" argument must be of type string" for the first)
      expect(await failure(BullMQRuntime.create({ connection: { host: 5 } as never }))).to.be.instanceOf(TypeError).with.property('message').match(/^opts\.connection\.host/);
      expect(await failure(BullMQRuntime.create({ connection: { port: 70000 } }))).to.be.instanceOf(RangeError).with.property('message').match(/^opts\.connection\.port/);
    });

    it('should reject create() within seconds when the address accepts connections but never answers, or names a missing database', async () => {
      const net = await import('node:net');
      const silent = net.createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      try {
        const t0 = performance.now();
        const error = await BullMQRuntime.create({ connection: `redis://127.0.0.1:${(silent.address() as { port: number }).port}` }).then(() => undefined, (e: unknown) => e as Error);
        expect(error).to.be.instanceOf(TimeoutError);
        expect(error?.message).to.equal('Redis accepted the connection but did not answer within 5 s');
        expect(performance.now() - t0).to.be.below(15_000);
      } finally {
        silent.close();
      }
      const missing = await BullMQRuntime.create({ connection: `${redis.url}/99` }).then(() => undefined, (e: unknown) => e as Error);
      expect(missing?.message).to.match(/DB index is out of range/);
    });

    it('should reject create() at once with a NetError ECONNREFUSED when Redis refuses the connection, instead of hanging', async () => {
      const error = await BullMQRuntime.create({ connection: 'redis://127.0.0.1:1' }).then(() => undefined, (e: unknown) => e as NetError);
      expect(error).to.be.instanceOf(NetError);
      expect(error!.code).to.equal('ECONNREFUSED');
      expect(error!.syscall).to.equal('connect');
      expect(error!.message).to.include('127.0.0.1:1');
    });

    it('should refuse an opts.local that is not a whole Runtime with a TypeError naming it, before touching Redis', async () => {
      // Refused after connecting (it was, from the constructor, as "local.capabilities is not iterable"), it left
      // the queue's Redis connections open and the process did not exit. The refused port shows the order.
      const error = await BullMQRuntime.create({ connection: 'redis://127.0.0.1:1', local: { executor: {} } as never })
        .then(() => undefined, (e: unknown) => e as Error);
      expect(error).to.be.instanceOf(TypeError);
      expect(error!.message).to.match(/^opts\.local must be a Runtime/);
    });

    it('should read spawn options once, as checked (a getter read again may answer differently)', async () => {
      let reads = 0;
      const opts = { get name() { reads++; return reads === 1 ? 'first' : 5; } };
      const task = runtime.executor.spawn(double, [2], opts as never);
      expect(reads).to.equal(1);
      expect(await task).to.equal(4);
    });

    it('should keep the sweep interval within what a Node timer can hold (no TimeoutOverflowWarning)', async () => {
      const warnings: Error[] = [];
      const onWarning = (w: Error): void => { warnings.push(w); };
      process.on('warning', onWarning);
      try {
        const big = await BullMQRuntime.create({ connection: redis.url, queue, sweepMs: 5e9 });
        await big.shutdown();
        await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      } finally {
        process.off('warning', onWarning);
      }
      expect(warnings.map((w) => w.name)).to.not.include('TimeoutOverflowWarning');
    });

    it("should reject a queue name with ':' with a TypeError naming opts.queue, before touching Redis", async () => {
      // The refused port shows the order: a check made after connecting would fail with ECONNREFUSED instead.
      const error = await BullMQRuntime.create({ connection: 'redis://127.0.0.1:1', queue: 'a:b' }).then(() => undefined, (e: unknown) => e as Error);
      expect(error).to.be.instanceOf(TypeError);
      expect(error!.message).to.include('opts.queue').and.include('"a:b"');
    });
  });

  describe('shutdown()', () => {
    it('should cancel live remote tasks, then make spawn throw RuntimeShutdownError', async () => {
      const task = runtime.executor.spawn(waitForCancel, [dir, 'sd']);
      await waitFor(() => existsSync(path.join(dir, 'sd.started')));
      await runtime.shutdown();
      expect(task.state).to.equal('cancelled');
      expect(() => runtime.executor.spawn(double, [1])).to.throw(RuntimeShutdownError);
      // Non-empty, not just present: writeFileSync creates the file before it writes the reason.
      await waitFor(() => existsSync(path.join(dir, 'sd.aborted')) && readFileSync(path.join(dir, 'sd.aborted'), 'utf8') !== '');
      // The worker's cx.signal was aborted with the same reason, class and all.
      expect(readFileSync(path.join(dir, 'sd.aborted'), 'utf8')).to.match(/^RuntimeShutdownError: /);
      await runtime.shutdown(); // idempotent
      expect(runtime.metrics().remoteActive, 'nothing counted as running remotely once shut down').to.equal(0);
    });

    it('should end while Redis is down, with a task out: cancelled, nothing left counted', async () => {
      const own = await startRedis();
      const rt = await BullMQRuntime.create({ connection: own.url, queue: 'down' });
      const w = await startWorker({ redis: own.url, queue: 'down', concurrency: 1 });
      try {
        const task = rt.executor.spawn(waitForCancel, [dir, 'down']);
        await waitFor(() => existsSync(path.join(dir, 'down.started')));
        await w.kill();
        await own.stop();
        const t0 = performance.now();
        await rt.shutdown();
        expect(performance.now() - t0, 'each step of the close waits a few seconds at most').to.be.below(20_000);
        expect(task.state).to.equal('cancelled');
        expect(rt.metrics().remoteActive).to.equal(0);
      } finally {
        await w.kill();
        await rt.shutdown();
        await own.stop();
      }
    });
  });
});
