// Several runtime-traits-worker processes on one queue: correctness at volume, crash recovery, no lost jobs, graceful stop.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Queue } from 'bullmq';
import { CancelledError } from '@runtime-traits/core';
import { BullMQRuntime } from '../src/index.js';
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { double, echo, forkJoin, markAndSleep, whoAmI } from './fixtures/tasks.js';
import { startRedis, type TestRedis } from './helpers/redis.js';
import { CLI, FIXTURES, startWorker, type WorkerProcess } from './helpers/workers.js';
import { jobIdOf } from './helpers/job-id.js';
import { waitFor } from './helpers/wait.js';

describe('runtime-traits-worker processes', function () {
  this.timeout(90_000);
  let redis: TestRedis;
  let workers: WorkerProcess[] = [];
  let runtime: BullMQRuntime | undefined;
  let dir: string;

  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rt-bullmq-workers-'));
  });
  afterEach(async () => {
    await runtime?.shutdown();
    runtime = undefined;
    await Promise.all(workers.map((w) => w.kill()));
    workers = [];
    rmSync(dir, { recursive: true, force: true });
  });

  describe('with two workers and one producer', () => {
    it('should run 2,000 tasks with every result correct, spread over both workers', async () => {
      const queue = 'volume';
      workers = await Promise.all([0, 1].map(() => startWorker({ redis: redis.url, queue, concurrency: 8, progress: 500 })));
      runtime = await BullMQRuntime.create({ connection: redis.url, queue });
      const tasks = Array.from({ length: 2000 }, (_, i) => runtime!.executor.spawn(whoAmI, [i]));
      const results = await Promise.all(tasks);
      const perWorker = new Map<number, number>();
      results.forEach(([n, pid], i) => {
        expect(n).to.equal(i);
        perWorker.set(pid, (perWorker.get(pid) ?? 0) + 1);
      });
      expect([...perWorker.keys()].sort()).to.deep.equal(workers.map((w) => w.pid).sort());
      expect(runtime.metrics()).to.include({ spawned: 2000, completed: 2000, active: 0, queueDepth: 0 });
      // Each worker printed a progress line per 500 finished jobs.
      const progress = workers.flatMap((w) => w.lines.filter((line) => /jobs finished/.test(line)));
      expect(progress.length).to.be.at.least(2);
    });

    it('should round-trip structured values at volume', async () => {
      const queue = 'volume-values';
      workers = await Promise.all([0, 1].map(() => startWorker({ redis: redis.url, queue, concurrency: 8 })));
      runtime = await BullMQRuntime.create({ connection: redis.url, queue });
      const values = Array.from({ length: 300 }, (_, i) => new Map<number, bigint>([[i, BigInt(i) ** 3n]]));
      const back = await Promise.all(values.map((v) => runtime!.executor.spawn(echo, [v])));
      back.forEach((m, i) => expect((m as Map<number, bigint>).get(i)).to.equal(BigInt(i) ** 3n));
    });
  });

  describe('when a worker is killed with SIGKILL mid-task', () => {
    it('should let the other worker finish its job (stalled-job recovery)', async () => {
      const queue = 'crash';
      const flags = { redis: redis.url, queue, concurrency: 2, lockDuration: 1000, stalledInterval: 300 };
      workers = await Promise.all([0, 1].map(() => startWorker(flags)));
      runtime = await BullMQRuntime.create({ connection: redis.url, queue });
      const task = runtime.executor.spawn(markAndSleep, [dir, 'victim', 3000]);
      await waitFor(() => readdirSync(dir).some((f) => f.startsWith('victim.')), 'the task to start');
      const firstPid = Number(readdirSync(dir).find((f) => f.startsWith('victim.'))!.split('.')[1]);
      const victim = workers.find((w) => w.pid === firstPid)!;
      await victim.kill();
      const finisher = await task;
      const survivor = workers.find((w) => w !== victim)!;
      expect(finisher).to.equal(survivor.pid);
      expect(readdirSync(dir).filter((f) => f.startsWith('victim.')).sort()).to.deep.equal([`victim.${firstPid}`, `victim.${survivor.pid}`].sort());
    });

    it('should still settle every task of a busy queue', async () => {
      const queue = 'crash-busy';
      const flags = { redis: redis.url, queue, concurrency: 4, lockDuration: 1000, stalledInterval: 300 };
      workers = await Promise.all([0, 1].map(() => startWorker(flags)));
      runtime = await BullMQRuntime.create({ connection: redis.url, queue });
      const tasks = Array.from({ length: 40 }, (_, i) => runtime!.executor.spawn(markAndSleep, [dir, `t${i}`, 100]));
      await waitFor(() => readdirSync(dir).length >= 4, 'some tasks to start');
      await workers[0]!.kill();
      const pids = await Promise.all(tasks);
      expect(pids).to.have.length(40);
      expect(runtime.metrics()).to.include({ completed: 40, failed: 0, active: 0 });
    });
  });

  describe('when the worker running a cancelled task dies', () => {
    it('should still settle the handle as cancelled once the job is recovered', async () => {
      const queue = 'orphan';
      const flags = { redis: redis.url, queue, concurrency: 2, lockDuration: 1000, stalledInterval: 300 };
      workers = [await startWorker(flags)];
      runtime = await BullMQRuntime.create({ connection: redis.url, queue, sweepMs: 500 });
      const task = runtime.executor.spawn(markAndSleep, [dir, 'orphan', 1500]);
      await waitFor(() => readdirSync(dir).length > 0, 'the task to start');
      await workers[0]!.kill();
      const cancelled = task.cancel('no longer needed');
      workers.push(await startWorker(flags));
      await cancelled;
      expect(task.state).to.equal('cancelled');
    });
  });

  describe('no job is lost', () => {
    it('should keep every unsettled task in Redis while no worker runs, and settle them all once one starts', async () => {
      const queue = 'no-loss';
      runtime = await BullMQRuntime.create({ connection: redis.url, queue });
      const tasks = Array.from({ length: 100 }, (_, i) => runtime!.executor.spawn(double, [i]));
      const jobs = new Queue(queue, { connection: { url: redis.url } });
      try {
        await waitFor(async () => (await jobs.getWaitingCount()) === 100, 'the 100 jobs in Redis');
        const ids = tasks.map((t) => jobIdOf(t));
        const found = await Promise.all(ids.map((id) => jobs.getJob(id)));
        expect(found.every((job) => job !== undefined)).to.equal(true);
        expect(tasks.every((t) => t.state === 'running')).to.equal(true);
        workers = [await startWorker({ redis: redis.url, queue, concurrency: 8 })];
        expect(await Promise.all(tasks)).to.deep.equal(Array.from({ length: 100 }, (_, i) => i * 2));
      } finally {
        await jobs.close();
      }
    });
  });

  describe('a job removed behind the runtime\'s back', () => {
    it('should reject its handle with CancelledError when removed through BullMQ (removed event)', async () => {
      const queue = 'removed-event';
      runtime = await BullMQRuntime.create({ connection: redis.url, queue });
      const task = runtime.executor.spawn(double, [1]);
      const jobId = jobIdOf(task);
      const jobs = new Queue(queue, { connection: { url: redis.url } });
      try {
        await waitFor(async () => (await jobs.getJob(jobId)) !== undefined, 'the job in Redis');
        expect(await jobs.remove(jobId)).to.equal(1);
      } finally {
        await jobs.close();
      }
      const error = await Promise.resolve(task).then(() => undefined, (e: unknown) => e);
      expect(CancelledError.is(error)).to.equal(true);
    });

    it('should reject its handle once the sweep finds the job gone, even when no event said so', async () => {
      const queue = 'removed-silently';
      runtime = await BullMQRuntime.create({ connection: redis.url, queue, sweepMs: 200 });
      const task = runtime.executor.spawn(double, [1]);
      const jobId = jobIdOf(task);
      const jobs = new Queue(queue, { connection: { url: redis.url } });
      try {
        await waitFor(async () => (await jobs.getJob(jobId)) !== undefined, 'the job in Redis');
        const client = await jobs.backend.client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
        await client.lrem!(jobs.keys.wait, 0, jobId);
        await client.del!(`${jobs.keys['']}${jobId}`);
      } finally {
        await jobs.close();
      }
      const error = await Promise.resolve(task).then(() => undefined, (e: unknown) => e);
      expect(CancelledError.is(error)).to.equal(true);
    });
  });

  describe('with --threads', () => {
    it('should run tasks on the work-stealing runtime, so join inside a task uses that machine\'s threads', async () => {
      const queue = 'threads';
      workers = [await startWorker({ redis: redis.url, queue, concurrency: 2, threads: 2 })];
      runtime = await BullMQRuntime.create({ connection: redis.url, queue });
      expect(await runtime.executor.spawn(forkJoin, [10])).to.deep.equal(['worksteal', 20, 22]);
    });
  });

  describe('a producer process', () => {
    it('should exit by itself after shutdown()', async () => {
      const queue = 'producer-exit';
      workers = [await startWorker({ redis: redis.url, queue, concurrency: 1 })];
      const script = fileURLToPath(new URL('./fixtures/producer.js', import.meta.url));
      const stdout = await new Promise<string>((resolve, reject) => {
        execFile(process.execPath, [script, redis.url, queue], { timeout: 30_000 }, (error, out) => (error ? reject(error) : resolve(out)));
      });
      expect(stdout).to.equal('result 42\n');
    });
  });

  describe('a producer process whose Redis has gone', () => {
    it('should exit as soon as shutdown() has resolved', async () => {
      const script = fileURLToPath(new URL('./fixtures/producer-redis-down.js', import.meta.url));
      const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      let out = '';
      const shutDown = new Promise<number>((resolve) => child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('shut down')) resolve(performance.now());
      }));
      try {
        const at = await Promise.race([shutDown, exited.then(() => { throw new Error(`exited early: ${out}`); })]);
        expect(await exited).to.equal(0);
        expect(out).to.equal('shut down: cancelled\n');
        expect(performance.now() - at, 'ms from shutdown() to exit (no timer of BullMQ or ioredis left)').to.be.below(1000);
      } finally {
        child.kill('SIGKILL');
      }
    });
  });

  describe('the CLI', () => {
    const run = (args: string[]): Promise<{ code: number | null; stderr: string }> => new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args], { timeout: 30_000 }, (error, _out, stderr) => {
        resolve({ code: error ? (error as { code?: number }).code ?? null : 0, stderr });
      });
    });

    it('should refuse to start without --allow, saying why', async () => {
      const { code, stderr } = await run(['--redis', redis.url, '--queue', 'q']);
      expect(code).to.equal(2);
      expect(stderr).to.include('--allow');
    });

    it('should refuse a bad --concurrency and a non-redis URL', async () => {
      expect((await run(['--redis', redis.url, '--queue', 'q', '--allow', FIXTURES, '--concurrency', '0'])).stderr).to.include('--concurrency must be an integer >= 1');
      expect((await run(['--redis', 'http://x', '--queue', 'q', '--allow', FIXTURES])).stderr).to.include('--redis');
    });

    it('should exit non-zero when Redis cannot be reached', async () => {
      const { code, stderr } = await run(['--redis', 'redis://127.0.0.1:1', '--queue', 'q', '--allow', FIXTURES]);
      expect(code).to.not.equal(0);
      expect(stderr).to.include('ECONNREFUSED');
    });
  });

  describe('on SIGTERM', () => {
    it('should finish the running job, then exit by itself with code 0', async () => {
      const queue = 'graceful';
      workers = [await startWorker({ redis: redis.url, queue, concurrency: 2 })];
      runtime = await BullMQRuntime.create({ connection: redis.url, queue });
      const task = runtime.executor.spawn(markAndSleep, [dir, 'slow', 500]);
      await waitFor(() => readdirSync(dir).length > 0, 'the task to start');
      const exited = workers[0]!.stop();
      expect(await task).to.equal(workers[0]!.pid);
      expect(await exited).to.equal(0);
    });
  });

  describe('on SIGTERM while Redis is down', () => {
    it('should exit by itself with code 0 within seconds when no job runs', async () => {
      const own = await startRedis();
      try {
        workers = [await startWorker({ redis: own.url, queue: 'sigterm-down', concurrency: 2 })];
        await own.stop();
        const t0 = performance.now();
        const exited = workers[0]!.stop();
        const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('still running after 15 s'), 15_000))]);
        expect(code).to.equal(0);
        expect(performance.now() - t0).to.be.below(10_000);
      } finally {
        await own.stop();
      }
    });
  });

  describe('when Redis restarts (last: it empties the shared server)', () => {
    it('should let the worker and the producer reconnect and run new tasks', async () => {
      const queue = 'restart';
      workers = [await startWorker({ redis: redis.url, queue, concurrency: 2 })];
      runtime = await BullMQRuntime.create({ connection: redis.url, queue });
      expect(await runtime.executor.spawn(double, [1])).to.equal(2);
      await redis.restart();
      const jobs = new Queue(queue, { connection: { url: redis.url } });
      try {
        // The worker is back once it has registered as a worker of the queue again.
        await waitFor(async () => (await jobs.getWorkers().catch(() => [])).length > 0, 'the worker to reconnect', 60_000);
      } finally {
        await jobs.close();
      }
      expect(await runtime.executor.spawn(double, [2])).to.equal(4);
      expect(workers[0]!.child.exitCode).to.equal(null);
    });
  });
});
