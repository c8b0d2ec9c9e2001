// The floor under "spawns inside a worker" (not a test): a burst of tiny tasks spawned and awaited
// from a task on a pool worker, beside what the same burst costs in plain JavaScript there.
//
// One task on a worker runs every case in turn, round after round (same isolate, same heap, same
// moment), each a burst of `count` tasks of x + 1, all spawned, then `await Promise.all`:
//   - `promise job`: `Promise.resolve(i).then(addOne)` per task — the least any async task can be;
//   - `bare Task`: the least a task of the contract can be (bareTask below): that job's promise given
//     the Task members, and a small cell with the task's state and argument, queued for the job;
//   - `runtime spawn`: `cx.runtime.executor.spawn(addOne, [i])`, what the bench measures.
// For each it prints tasks/s (median and rounds), the share of the burst spent in GC (from the
// worker's own 'gc' performance entries): a burst keeps every waiting task alive, so the young
// generation's scavenges copy all of it, and what each task keeps alive is what counts; and the
// minor page faults per task during the burst (the process's count: the other threads are idle
// then), with the share of the burst they cost at what one fresh page costs on this machine
// (measured at the end by first-touching 64 MiB). Where the heap grows into pages the OS has not
// given it yet, each 4 KiB page is a fault: on a virtual machine that can cost microseconds.
//
// With `node --expose-gc` it also prints the heap bytes each waiting task keeps alive.
//
// Run: node [--expose-gc] packages/worksteal/dist/test/perf/spawn-floor.js [count=100000] [rounds=9] [workers=2] [case] [young MiB]
// (`young MiB`: the pool workers' resourceLimits.maxYoungGenerationSizeMb; default: Node's own)
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';
import { defineTask, type TaskContext } from '@runtime-traits/core';
import { WorkStealingRuntime } from '../../src/index.js';

const addOne = (x: number): number => x + 1;
export const addOneTask = defineTask(import.meta.url, 'addOneTask', (_cx: TaskContext, x: number): number => x + 1);

const RESOLVED = Promise.resolve();
const CELL = Symbol('cell');
function cancelTask(this: { [CELL]: { state: string } }): Promise<void> {
  this[CELL].state = 'cancelled';
  return RESOLVED;
}
function detachTask<T>(this: T): T {
  return this;
}

/** Spawns `count` tasks of x + 1 on this thread; returns their promises (the caller awaits them all). */
type Spawn = (cx: TaskContext, count: number) => Array<PromiseLike<number>>;

/**
 * The least a task of the contract can be: the promise of the job that runs it, given the Task members
 * (id, state, cancel, detach: own properties, shared functions, as the kit's handles have them), and a
 * cell with its state and argument that the job finds in a queue. No runtime, no checks, no counters.
 */
function bareTask(): Spawn {
  interface Cell { state: string; arg: number }
  const queue: Cell[] = [];
  let next = 0;
  const run = (): number => {
    const cell = queue[next++]!;
    if (next === queue.length) queue.length = next = 0;
    if (cell.state !== 'pending') throw new Error('cancelled');
    cell.state = 'completed';
    return cell.arg + 1;
  };
  return (_cx, count) => {
    const all = new Array<PromiseLike<number>>(count);
    for (let i = 0; i < count; i++) {
      const cell: Cell = { state: 'pending', arg: i };
      const handle = RESOLVED.then(run) as Promise<number> & Record<string | symbol, unknown>;
      handle.id = i;
      handle.state = 'pending';
      handle.cancel = cancelTask;
      handle.detach = detachTask;
      handle[CELL] = cell;
      queue.push(cell);
      all[i] = handle;
    }
    return all;
  };
}

const CASES: Record<string, () => Spawn> = {
  'promise job': () => (_cx, count) => {
    const all = new Array<PromiseLike<number>>(count);
    for (let i = 0; i < count; i++) all[i] = Promise.resolve(i).then(addOne);
    return all;
  },
  'bare Task': bareTask,
  'runtime spawn': () => (cx, count) => {
    const ex = cx.runtime.executor;
    const all = new Array<PromiseLike<number>>(count);
    for (let i = 0; i < count; i++) all[i] = ex.spawn(addOneTask, [i]);
    return all;
  },
};

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * Heap bytes per task of `spawn`, if `gc` is exposed: alive per waiting task (after a full GC, before
 * any has run), and allocated per task by the whole burst (meaningful only when no GC ran during it:
 * run with a young generation larger than a burst).
 */
async function heapBytes(cx: TaskContext, spawn: Spawn, count: number): Promise<{ alive: number; allocated: number }> {
  if (!gc) return { alive: NaN, allocated: NaN };
  gc();
  const before = process.memoryUsage().heapUsed;
  const all = spawn(cx, count);
  gc();
  const alive = (process.memoryUsage().heapUsed - before) / count;
  await Promise.all(all);
  gc();
  const start = process.memoryUsage().heapUsed;
  await Promise.all(spawn(cx, count));
  const allocated = (process.memoryUsage().heapUsed - start) / count;
  return { alive, allocated };
}

/** Runs every case `rounds` times on this worker; returns per case the tasks/s and GC shares, one per round. */
export const spawnFloor = defineTask(import.meta.url, 'spawnFloor', async (cx: TaskContext, count: number, rounds: number, only: string): Promise<string> => {
  // GC entries arrive later than the burst they belong to: kept with their start, shared out at the end.
  const pauses: Array<{ start: number; ms: number }> = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push({ start: entry.startTime, ms: entry.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  const bursts = Object.entries(CASES).filter(([name]) => only === '' || name === only)
    .map(([name, make]) => ({ name, spawn: make(), rates: [] as number[], spans: [] as Array<[number, number]>, faults: [] as number[] }));
  for (let r = 0; r < rounds + 1; r++) { // the first round warms up and is not counted
    for (const c of bursts) {
      await new Promise((resolve) => setImmediate(resolve));
      const f0 = process.resourceUsage().minorPageFault;
      const t0 = performance.now();
      const results = await Promise.all(c.spawn(cx, count));
      const t1 = performance.now();
      const f1 = process.resourceUsage().minorPageFault;
      for (let i = 0; i < count; i++) if (results[i] !== i + 1) throw new Error(`${c.name}: task ${i} returned ${results[i]}`);
      if (r > 0) {
        c.rates.push((count * 1000) / (t1 - t0));
        c.spans.push([t0, t1]);
        c.faults.push(f1 - f0);
      }
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 50)); // the last entries come in
  observer.disconnect();
  const gcShare = ([t0, t1]: [number, number]): number =>
    pauses.reduce((sum, p) => (p.start >= t0 && p.start < t1 ? sum + p.ms : sum), 0) / (t1 - t0);
  const cases = [];
  for (const { name, spawn, rates, spans, faults } of bursts) {
    cases.push({ name, rates, gc: spans.map(gcShare), faults, ms: spans.map(([t0, t1]) => t1 - t0), ...await heapBytes(cx, spawn, count) });
  }
  return JSON.stringify({ cases, pageFaultUs: freshPageCost() });
});

/** Microseconds one fresh 4 KiB page costs on this thread: the first write to each page of 64 MiB not touched before. */
function freshPageCost(): number {
  const bytes = new Uint8Array(64 * 2 ** 20);
  const f0 = process.resourceUsage().minorPageFault;
  const t0 = performance.now();
  for (let i = 0; i < bytes.length; i += 4096) bytes[i] = 1;
  const ms = performance.now() - t0;
  const faults = process.resourceUsage().minorPageFault - f0;
  return faults > 0 ? (ms * 1000) / faults : NaN;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

if (isMainThread && process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const count = Number(process.argv[2] ?? 100_000);
  const rounds = Number(process.argv[3] ?? 9);
  const workers = Number(process.argv[4] ?? 2);
  const only = process.argv[5] ?? '';
  const young = Number(process.argv[6] ?? 0);
  const rt = await WorkStealingRuntime.create({ workers, ...(young > 0 ? { resourceLimits: { maxYoungGenerationSizeMb: young } } : {}) });
  try {
    type Case = { name: string; rates: number[]; gc: number[]; faults: number[]; ms: number[]; alive: number | null; allocated: number | null };
    const { cases, pageFaultUs } = JSON.parse(await rt.executor.spawn(spawnFloor, [count, rounds, only])) as { cases: Case[]; pageFaultUs: number };
    const heap = young > 0 ? `young generation ${young} MiB` : "Node's default young generation";
    console.log(`${count / 1000}k tasks spawned and awaited at once inside a worker, ${workers} worker(s), ${heap}, ${rounds} rounds; a fresh page costs ${pageFaultUs.toFixed(1)} µs here:`);
    for (const { name, rates, gc, faults, ms, alive, allocated } of cases) {
      const m = (x: number): string => `${(x / 1e6).toFixed(2)}M/s`;
      const bytes = alive === null ? '' : `  ${Math.round(alive)} B alive per waiting task, ${Math.round(allocated!)} B allocated per task`;
      const faultShare = median(faults.map((f, i) => (f * pageFaultUs) / 1000 / ms[i]!));
      console.log(`  ${name.padEnd(14)} median ${m(median(rates))}  GC ${Math.round(median(gc) * 100)}% of the burst  ${median(faults)} page faults (~${Math.round(faultShare * 100)}% of the burst)${bytes}`);
      console.log(`  ${''.padEnd(14)} rounds [${rates.map(m).join(' ')}]`);
    }
  } finally {
    await rt.shutdown();
  }
}
