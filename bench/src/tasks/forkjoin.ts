// The fork-join workloads as portable tasks for the work-stealing runtime: fib and merge sort,
// once with the synchronous `join` (rayon style) and once with async `spawn` + await.
import { defineTask, type TaskContext } from '@runtime-traits/core';
import { FIB_CUTOFF, fibSeq } from '../work/fib.js';
import { SORT_PAR_CUTOFF, merge, sortSeq } from '../work/mergesort.js';

export const fibJoin = defineTask(import.meta.url, 'fibJoin', (cx: TaskContext, n: number): number => {
  if (n <= FIB_CUTOFF) return fibSeq(n);
  const [a, b] = cx.runtime.executor.join(fibJoin, [n - 1], fibJoin, [n - 2]);
  return a + b;
});

export const fibSpawn = defineTask(import.meta.url, 'fibSpawn', async (cx: TaskContext, n: number): Promise<number> => {
  if (n <= FIB_CUTOFF) return fibSeq(n);
  const ex = cx.runtime.executor;
  const [a, b] = await Promise.all([ex.spawn(fibSpawn, [n - 1]), ex.spawn(fibSpawn, [n - 2])]);
  return a + b;
});

/** Sorts the shared arrays' range [lo, hi); data and tmp are SharedArrayBuffers of Float64s. */
export const sortJoin = defineTask(import.meta.url, 'sortJoin',
  (cx: TaskContext, data: SharedArrayBuffer, tmp: SharedArrayBuffer, lo: number, hi: number): number => {
    const d = new Float64Array(data);
    const t = new Float64Array(tmp);
    if (hi - lo <= SORT_PAR_CUTOFF) {
      sortSeq(d, t, lo, hi);
      return hi - lo;
    }
    const mid = (lo + hi) >>> 1;
    cx.runtime.executor.join(sortJoin, [data, tmp, lo, mid], sortJoin, [data, tmp, mid, hi]);
    merge(d, t, lo, mid, hi);
    return hi - lo;
  });

export const sortSpawn = defineTask(import.meta.url, 'sortSpawn',
  async (cx: TaskContext, data: SharedArrayBuffer, tmp: SharedArrayBuffer, lo: number, hi: number): Promise<number> => {
    const d = new Float64Array(data);
    const t = new Float64Array(tmp);
    if (hi - lo <= SORT_PAR_CUTOFF) {
      sortSeq(d, t, lo, hi);
      return hi - lo;
    }
    const mid = (lo + hi) >>> 1;
    const ex = cx.runtime.executor;
    await Promise.all([ex.spawn(sortSpawn, [data, tmp, lo, mid]), ex.spawn(sortSpawn, [data, tmp, mid, hi])]);
    merge(d, t, lo, mid, hi);
    return hi - lo;
  });
