// Tasks for the per-join cost measurement (join-cost.ts): each times itself inside the worker, so dispatch latency is left out.
import { threadId } from 'node:worker_threads';
import { defineTask, type TaskContext } from '@runtime-traits/core';
import { fibJoin as fibJoinPerf, fibSeq as fibPlain } from '../fixtures/tasks.js';

// The plain and the fork-join fib are the package's test fixtures, under the names these scripts use.
export { fibSeq as fibPlain, fibJoin as fibJoinPerf } from '../fixtures/tasks.js';

// Timings come back as whole microseconds: a double result would go through the codec as a double,
// and V8 may then generalise (Smi → double) the elements kind of arrays the codec reads, which would
// change the very code being measured.

/** Microseconds fibPlain(n) takes on this thread. */
export const timeFibPlain = defineTask(import.meta.url, 'timeFibPlain', (_cx: TaskContext, n: number): number => {
  const t0 = performance.now();
  fibPlain(n);
  return Math.round((performance.now() - t0) * 1000);
});

/** Microseconds fib(n) by join (cutoff) takes, started on this thread. */
export const timeFibJoin = defineTask(import.meta.url, 'timeFibJoin', (cx: TaskContext, n: number, cutoff: number): number => {
  const t0 = performance.now();
  fibJoinPerf.fn(cx, n, cutoff);
  return Math.round((performance.now() - t0) * 1000);
});

/**
 * fib by join that also records a timeline per thread into `stats` (a SharedArrayBuffer of Float64s,
 * 4 per threadId: leaves run, first leaf start, last leaf end, milliseconds spent in leaves; times
 * are performance.timeOrigin + performance.now(), so they compare across threads).
 */
export const fibJoinTraced = defineTask(import.meta.url, 'fibJoinTraced', (cx: TaskContext, n: number, cutoff: number, stats: SharedArrayBuffer): number => {
  if (n <= cutoff) {
    const t0 = performance.now();
    const v = fibPlain(n);
    const t1 = performance.now();
    const f = new Float64Array(stats, 32 * threadId, 4);
    if (f[0] === 0) f[1] = performance.timeOrigin + t0;
    f[0]! += 1;
    f[2] = performance.timeOrigin + t1;
    f[3]! += t1 - t0;
    return v;
  }
  const [a, b] = cx.runtime.executor.join(fibJoinTraced, [n - 1, cutoff, stats], fibJoinTraced, [n - 2, cutoff, stats]);
  return a + b;
});
