// The tiny task as a portable TaskDef, for the work-stealing runtime: x + 1.
import { defineTask } from '@runtime-traits/core';

export const addOne = defineTask(import.meta.url, 'addOne', (_cx, x: number): number => x + 1);

/**
 * Spawns `count` tiny tasks from inside a worker (they go to that worker's own deque), awaits them
 * all and returns the milliseconds it took, timed inside the worker; checks every result.
 */
export const spawnFromWorker = defineTask(import.meta.url, 'spawnFromWorker', async (cx, count: number): Promise<number> => {
  const ex = cx.runtime.executor;
  const t0 = performance.now();
  const all = new Array<PromiseLike<number>>(count);
  for (let i = 0; i < count; i++) all[i] = ex.spawn(addOne, [i]);
  const results = await Promise.all(all);
  const ms = performance.now() - t0;
  for (let i = 0; i < count; i++) if (results[i] !== i + 1) throw new Error(`task ${i} returned ${results[i]}`);
  return ms;
});
