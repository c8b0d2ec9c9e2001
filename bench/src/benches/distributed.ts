// distributed: BullMQRuntime's spawn against BullMQ used directly (Queue + Worker + QueueEvents), same Redis,
// same two worker processes, same run, alternating: per-task latency one at a time and throughput with many in flight.
//
// HOW: a throwaway redis-server (persistence off) on a free loopback port; two worker processes, each
// running BOTH a runtime-traits worker (queue 'rt', task `inc` below) and a plain BullMQ Worker (queue
// 'raw', processor `job.data.n + 1`), same concurrency, same Node runtime. The producers live in this
// process: a BullMQRuntime on 'rt'; a Queue + QueueEvents on 'raw', awaiting each job with
// `job.waitUntilFinished(events)` as BullMQ's guide does. Both use the same job retention (kept an hour).
// This file is also the worker processes' entry point (`--distributed-bench-worker`).
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defineTask, type Runtime } from '@runtime-traits/core';
import { alternate, type Contender } from '../harness/alternate.js';
import { atLeast, toRows } from '../harness/rows.js';
import type { BenchContext, BenchRow, Benchmark } from '../types.js';

/** The task both sides compute: n + 1. */
export const inc = defineTask(import.meta.url, 'inc', (_cx, n: number): number => n + 1);

const HERE = fileURLToPath(import.meta.url);
const WORKER_FLAG = '--distributed-bench-worker';
const CONCURRENCY = 16;
const KEEP = { removeOnComplete: { age: 3600 }, removeOnFail: { age: 24 * 3600 } };

// The package is loaded by name at run time, so this file compiles whether or not it is built yet.
interface BullMQPackage {
  BullMQRuntime: { create(opts: { connection: string; queue: string }): Promise<Runtime> };
  BullMQWorker: { start(opts: { redis: string; queue: string; concurrency: number; local: Runtime; allow: string[] }): Promise<{ close(): Promise<void> }> };
}
const PACKAGE = '@runtime-traits/bullmq';
const loadPackage = async (): Promise<BullMQPackage> => (await import(PACKAGE)) as BullMQPackage;

/** Worker process: both workers on one Redis until SIGTERM. */
async function workerMain(redis: string): Promise<void> {
  const { BullMQWorker } = await loadPackage();
  const { Worker } = await import('bullmq');
  const { NodeRuntime } = await import('@runtime-traits/node');
  const ours = await BullMQWorker.start({ redis, queue: 'rt', concurrency: CONCURRENCY, local: await NodeRuntime.create(), allow: [path.dirname(HERE)] });
  const raw = new Worker('raw', async (job) => (job.data as { n: number }).n + 1, { connection: { url: redis }, concurrency: CONCURRENCY });
  raw.on('error', () => undefined);
  await raw.waitUntilReady();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void Promise.all([ours.close(), raw.close()]).then(() => process.exit(0));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function started(child: ChildProcess, marker: string, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(marker)) resolve();
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before it was ready`)));
  });
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** One side of the comparison: send one task and get its result. */
interface Side {
  one(n: number): Promise<number>;
}

async function latencyP50(side: Side, count: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const result = await side.one(i);
    times.push(performance.now() - t0);
    if (result !== i + 1) throw new Error(`task ${i} returned ${result}`);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}

async function throughput(side: Side, count: number): Promise<number> {
  const t0 = performance.now();
  const results = await Promise.all(Array.from({ length: count }, (_, i) => side.one(i)));
  const seconds = (performance.now() - t0) / 1000;
  results.forEach((r, i) => {
    if (r !== i + 1) throw new Error(`task ${i} returned ${r}`);
  });
  return count / seconds;
}

const bench: Benchmark = {
  name: 'distributed',
  description: 'BullMQRuntime spawn vs BullMQ used directly (Queue + Worker + QueueEvents), same redis-server and worker processes',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    let pkg: BullMQPackage;
    try {
      pkg = await loadPackage();
    } catch (error) {
      throw new Error(`${PACKAGE} is not built: ${(error as Error).message}`);
    }
    const { Queue, QueueEvents } = await import('bullmq');
    const port = await freePort();
    const redis = `redis://127.0.0.1:${port}`;
    const server = spawn('redis-server', ['--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', '--port', String(port)], { stdio: ['ignore', 'pipe', 'ignore'] });
    const workers: ChildProcess[] = [];
    let runtime: Runtime | undefined;
    const raw = { queue: undefined as InstanceType<typeof Queue> | undefined, events: undefined as InstanceType<typeof QueueEvents> | undefined };
    try {
      await started(server, 'Ready to accept connections', 'redis-server');
      server.stdout!.resume();
      for (let i = 0; i < 2; i++) {
        workers.push(spawn(process.execPath, [HERE, WORKER_FLAG, redis], { stdio: ['ignore', 'pipe', 'inherit'] }));
      }
      await Promise.all(workers.map((w, i) => started(w, 'ready', `worker ${i + 1}`)));
      runtime = await pkg.BullMQRuntime.create({ connection: redis, queue: 'rt' });
      raw.queue = new Queue('raw', { connection: { url: redis } });
      raw.queue.setMaxListeners(0); // waitUntilFinished adds a 'closing' listener per job
      raw.events = new QueueEvents('raw', { connection: { url: redis } });
      await raw.events.waitUntilReady();
      const rt = runtime;
      const ours: Side = { one: (n) => Promise.resolve(rt.executor.spawn(inc, [n])) };
      const direct: Side = {
        one: async (n) => (await raw.queue!.add('inc', { n }, KEEP)).waitUntilFinished(raw.events!) as Promise<number>,
      };
      const OURS = 'BullMQRuntime spawn';
      const RAW = 'raw BullMQ';
      // Many short alternating rounds: on this shared machine a burst of outside load lasts seconds,
      // so it spoils a few samples of both sides rather than one side's whole figure.
      const rounds = ctx.quick ? 2 : 15;
      const sequential = ctx.quick ? 100 : 400;
      const inFlight = ctx.quick ? 1000 : 5000;
      const rows: BenchRow[] = [];

      const latencyCase = `one task at a time (p50 of ${sequential}), 2 workers x ${CONCURRENCY}`;
      ctx.log(`  distributed: ${latencyCase}`);
      const latency = await alternate([
        { name: OURS, measure: () => latencyP50(ours, sequential) },
        { name: RAW, measure: () => latencyP50(direct, sequential) },
      ] satisfies Contender[], { rounds, warmup: 1, log: ctx.log, label: 'latency' });
      rows.push(...toRows({ bench: 'distributed', case: latencyCase, unit: 'ms', better: 'lower', baseline: RAW }, latency));

      const throughputCase = `${inFlight} tasks in flight, 2 workers x ${CONCURRENCY}`;
      ctx.log(`  distributed: ${throughputCase}`);
      const rate = await alternate([
        { name: OURS, measure: () => throughput(ours, inFlight) },
        { name: RAW, measure: () => throughput(direct, inFlight) },
      ] satisfies Contender[], { rounds, warmup: 1, log: ctx.log, label: 'throughput' });
      rows.push(...toRows({
        bench: 'distributed', case: throughputCase, unit: 'tasks/s', better: 'higher', baseline: RAW,
        targets: [atLeast(OURS, 0.8, RAW, 'higher', '>= 0.8x raw BullMQ throughput')],
      }, rate));
      return rows;
    } finally {
      await runtime?.shutdown().catch(() => undefined);
      await raw.events?.close().catch(() => undefined);
      await raw.queue?.close().catch(() => undefined);
      await Promise.all(workers.map(stopped));
      await stopped(server);
    }
  },
};

export default bench;

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url && process.argv[2] === WORKER_FLAG) {
  workerMain(process.argv[3]!).catch((error: unknown) => {
    process.stderr.write(`distributed bench worker: ${String(error)}\n`);
    process.exit(1);
  });
}
