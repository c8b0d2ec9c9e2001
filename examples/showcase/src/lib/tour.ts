// Tour: one runtime-agnostic library that exercises a runtime — tasks, timers, a TCP round trip, a parallel job.
import { CLOCK, EXECUTOR, NET, RUNTIME, TaskGroup, TimeoutError } from '@runtime-traits/core';
import type { Clock, Executor, Net, Runtime } from '@runtime-traits/core';
import { inject, injectable } from 'inversify';
import { countPrimes, countPrimesForkJoin } from './jobs.js';
import { whereAmI } from './where.js';

/** One line of the report. */
export interface Step {
  step: 'tasks' | 'timers' | 'tcp' | 'parallel';
  /** What happened, in a few words. */
  result: string;
  /** Threads the work ran on. */
  where: string[];
  /** Time that passed on the runtime's own clock (virtual on the local runtime). */
  clockMs: number;
  /** Time that passed on the wall. */
  wallMs: number;
  /** For a step that times one job several times (parallel): the wall time of its best run. */
  bestMs?: number;
}

const PRIME_LIMIT = 400_000;
const TASKS = 8;
/** Timed runs of the fork-join job (after one untimed run); the best one counts. */
const PARALLEL_RUNS = 3;

@injectable()
export class Tour {
  constructor(
    @inject(RUNTIME) private readonly runtime: Runtime,
    @inject(EXECUTOR) private readonly executor: Executor,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(NET) private readonly net: Net,
  ) {}

  /** Runs every step in order and reports each. */
  async run(): Promise<Step[]> {
    return [
      await this.measure('tasks', () => this.tasks()),
      await this.measure('timers', () => this.timers()),
      await this.measure('tcp', () => this.tcp()),
      await this.measure('parallel', () => this.parallel()),
    ];
  }

  /**
   * Runs a burst of tiny tasks, unmeasured: a thread imports a task's module the first time it runs
   * one of its tasks, and the timings should show steady state, not start-up.
   */
  async warmUp(): Promise<void> {
    for (let round = 0; round < 3; round++) {
      await Promise.all(Array.from({ length: 16 }, () => this.executor.spawn(countPrimes, [0, 20_000])));
      await this.executor.spawn(countPrimesForkJoin, [0, 40_000, 2_500]);
    }
  }

  /** Eight portable tasks in a TaskGroup, each counting the primes of one slice. */
  private async tasks(): Promise<[string, string[]]> {
    await using group = new TaskGroup(this.executor);
    const slice = PRIME_LIMIT / TASKS;
    const tasks = Array.from({ length: TASKS }, (_, i) => group.spawn(countPrimes, [i * slice, (i + 1) * slice]));
    await group.wait();
    const results = await Promise.all(tasks);
    const total = results.reduce((n, r) => n + r.count, 0);
    return [`${TASKS} tasks found ${total} primes < ${PRIME_LIMIT}`, unique(results.flatMap((r) => r.where))];
  }

  /** A sleep, three interval ticks, and a timeout that fires. A virtual clock gets an hour-long sleep. */
  private async timers(): Promise<[string, string[]]> {
    const virtual = this.runtime.capabilities.has('time.virtual');
    const sleepMs = virtual ? 3_600_000 : 200;
    await this.clock.sleep(sleepMs);
    let ticks = 0;
    for await (const _ of this.clock.interval(50)) if (++ticks === 3) break;
    const timedOut = await this.clock.timeout(20, (signal) => this.clock.sleep(60_000, { signal }))
      .then(() => false, (error: unknown) => TimeoutError.is(error));
    return [`slept ${formatMs(sleepMs)}, 3 ticks, timeout ${timedOut ? 'fired' : 'DID NOT FIRE'}`, [whereAmI()]];
  }

  /** A listener and a client on this runtime's network: 64 KiB out, the same 64 KiB back. */
  private async tcp(): Promise<[string, string[]]> {
    const listener = await this.net.listen({ port: 0 });
    const server = this.executor.spawnLocal(async () => {
      const conn = await listener.accept();
      if (!conn) return;
      for await (const chunk of conn) await conn.write(chunk);
      await conn.close();
    });
    const payload = Uint8Array.from({ length: 64 * 1024 }, (_, i) => (i * 31) & 0xff);
    const conn = await this.net.connect(listener.address);
    const sending = conn.write(payload).then(() => conn.closeWrite());
    let received = 0;
    let intact = true;
    for await (const chunk of conn) {
      for (let i = 0; i < chunk.length; i++) if (chunk[i] !== payload[received + i]) intact = false;
      received += chunk.length;
    }
    await sending;
    await conn.close();
    await server;
    await listener.close();
    const ok = intact && received === payload.length;
    return [`echoed ${received / 1024} KiB via ${addressOf(listener.address)} ${ok ? 'intact' : 'CORRUPTED'}`, [whereAmI()]];
  }

  /**
   * Prime counting split by fork-join (`join`): parallel on runtimes with `join.parallel`. Timed
   * fairly: one untimed run first (every thread has compiled the code), then the best of
   * PARALLEL_RUNS, each a few hundred milliseconds of work, far more than any thread start-up.
   */
  private async parallel(): Promise<[string, string[], number]> {
    const limit = PRIME_LIMIT * 4;
    const job = () => this.executor.spawn(countPrimesForkJoin, [0, limit, limit / 64]);
    let result = await job();
    const where = new Set(result.where);
    let best = Infinity;
    for (let run = 0; run < PARALLEL_RUNS; run++) {
      const start = performance.now();
      result = await job();
      best = Math.min(best, performance.now() - start);
      for (const thread of result.where) where.add(thread);
    }
    const mode = this.runtime.capabilities.has('join.parallel') ? 'parallel' : 'sequential';
    return [`join (${mode}) found ${result.count} primes < ${limit}, best of ${PARALLEL_RUNS} runs ${best.toFixed(0)} ms`, unique([...where]), best];
  }

  private async measure(step: Step['step'], work: () => Promise<[string, string[], number?]>): Promise<Step> {
    const clockStart = this.clock.now();
    const wallStart = performance.now();
    const [result, where, bestMs] = await work();
    const measured: Step = { step, result, where, clockMs: this.clock.now() - clockStart, wallMs: performance.now() - wallStart };
    if (bestMs !== undefined) measured.bestMs = bestMs;
    return measured;
  }
}

function unique(items: string[]): string[] {
  return [...new Set(items)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

function formatMs(ms: number): string {
  return ms >= 3_600_000 ? `${ms / 3_600_000} h` : `${ms} ms`;
}

function addressOf(address: { host: string; port: number } | { path: string }): string {
  return 'path' in address ? address.path : `${address.host}:${address.port}`;
}
