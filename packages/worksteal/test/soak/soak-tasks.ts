// The soak's tiny task: counts its own run in shared memory, and now and then ends its worker thread.
import { defineTask, type TaskContext } from '@runtime-traits/core';

/** A cheap, well-spread hash of `i` (so the tasks that kill are scattered, and the same on every run). */
export function scatter(i: number): number {
  let x = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Whether task `i` kills its worker, one in `oneIn`. */
export function kills(i: number, oneIn: number): boolean {
  return oneIn > 0 && scatter(i) % oneIn === 0;
}

/**
 * Adds one to `runs[i]` (so a task run twice shows), then returns `i` — or, for one task in
 * `killOneIn`, ends the worker thread it runs on (process.exit in a worker stops that thread only).
 */
export const tick = defineTask(import.meta.url, 'tick', (_cx: TaskContext, runs: SharedArrayBuffer, i: number, killOneIn: number): number => {
  Atomics.add(new Int32Array(runs), i, 1);
  if (kills(i, killOneIn)) process.exit(70);
  return i;
});
