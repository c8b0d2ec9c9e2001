// Soak: a million tiny worksteal tasks while some of them kill their own worker thread.
//
// Every task must end completed (with its own number) or with WorkerCrashedError; none may run
// twice (each counts its runs in shared memory); the runtime must still serve afterwards and shut
// down cleanly (the process then exits by itself). Run directly for the full soak:
//   node packages/worksteal/dist/test/soak/crash-soak.js [tasks=1000000] [killOneIn=10000] [workers=cores]
// test/soak.test.ts runs a small one in the suite.
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { WorkerCrashedError, type Task } from '@runtime-traits/core';
import { WorkStealingRuntime } from '../../src/index.js';
import { kills, tick } from './soak-tasks.js';

export interface CrashSoakOptions {
  tasks: number;
  killOneIn: number;
  workers: number;
  /** Tasks in flight at once. */
  window?: number;
}

export interface CrashSoakReport {
  tasks: number;
  completed: number;
  crashed: number;
  /** Tasks whose own code ended their worker. */
  killers: number;
  /** Worker threads the runtime replaced. */
  crashes: number;
  /** Replacements onWorkerRestart heard of (pool workers; blocking threads are not announced). */
  restarts: number;
  /** Tasks that settled otherwise (another error, a wrong value). */
  wrong: string[];
  ranTwice: number;
  /** Completed tasks whose run was never counted. */
  neverRan: number;
  /** Of the crashed tasks, how many had started (counted a run) before their worker died. */
  crashedAfterStarting: number;
  lost: number;
  afterwards: number;
  seconds: number;
  perSecond: number;
}

export async function crashSoak(opts: CrashSoakOptions): Promise<CrashSoakReport> {
  const { tasks, killOneIn, workers } = opts;
  const window = opts.window ?? 8192;
  const runs = new SharedArrayBuffer(tasks * 4);
  const counts = new Int32Array(runs);
  const rt = await WorkStealingRuntime.create({ workers, blockingThreads: 1 });
  let restarts = 0;
  rt.onWorkerRestart(() => { restarts++; }); // (the soak kills workers on purpose: counted, not printed)
  let completed = 0;
  let crashed = 0;
  let crashedAfterStarting = 0;
  let settled = 0;
  const wrong: string[] = [];
  const started = performance.now();
  try {
    for (let from = 0; from < tasks; from += window) {
      const batch: Array<Task<number>> = [];
      for (let i = from; i < Math.min(tasks, from + window); i++) batch.push(rt.executor.spawn(tick, [runs, i, killOneIn]));
      const outcomes = await Promise.allSettled(batch);
      outcomes.forEach((o, k) => {
        settled++;
        const i = from + k;
        if (o.status === 'fulfilled' && o.value === i) completed++;
        else if (o.status === 'rejected' && WorkerCrashedError.is(o.reason)) {
          crashed++;
          if (counts[i] === 1) crashedAfterStarting++;
        }
        else if (wrong.length < 10) wrong.push(`task ${i}: ${o.status === 'fulfilled' ? `returned ${String(o.value)}` : String(o.reason)}`);
      });
    }
    const seconds = (performance.now() - started) / 1000;
    // Still serving: a last batch with no killers, every one completed.
    const after = await Promise.all(Array.from({ length: 1000 }, (_, i) => rt.executor.spawn(tick, [new SharedArrayBuffer(4 * 1000), i, 0])));
    let ranTwice = 0;
    let neverRan = 0;
    let killers = 0;
    for (let i = 0; i < tasks; i++) {
      if (counts[i]! > 1) ranTwice++;
      if (kills(i, killOneIn)) killers++;
    }
    // A completed task ran exactly once; its count says so.
    neverRan = completed - [...counts].filter((c) => c === 1).length;
    return {
      tasks, completed, crashed, killers, crashes: rt.metrics().crashes as number, restarts, wrong,
      ranTwice, neverRan: Math.max(0, neverRan), crashedAfterStarting, lost: tasks - settled,
      afterwards: after.filter((v, i) => v === i).length, seconds, perSecond: Math.round(tasks / seconds),
    };
  } finally {
    await rt.shutdown();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [tasks = 1_000_000, killOneIn = 10_000, workers = availableParallelism()] = process.argv.slice(2).map(Number);
  console.log(`worksteal crash soak: ${tasks} tasks, 1 in ${killOneIn} kills its worker, ${workers} workers`);
  const report = await crashSoak({ tasks, killOneIn, workers });
  console.log(JSON.stringify(report));
  const ok = report.completed + report.crashed === tasks && report.wrong.length === 0 && report.ranTwice === 0
    && report.lost === 0 && report.afterwards === 1000;
  console.log(ok ? 'PASS' : 'FAIL');
  process.exitCode = ok ? 0 : 1; // no process.exit: the process must end by itself after shutdown()
}
