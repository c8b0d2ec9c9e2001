// Soak: BullMQ tasks while worker processes are SIGKILLed and restarted every few seconds.
//
// Every task's result must arrive exactly once at the producer — its own value, or a
// WorkerCrashedError when BullMQ gave up on a job that stalled too often — and none may be lost.
// Runs may repeat (BullMQ is at-least-once: a job whose worker died runs again elsewhere); they are
// counted and reported. Run directly for the full soak (needs redis-server on PATH):
//   node packages/bullmq/dist/test/soak/kill-soak.js [tasks=20000] [killEveryMs=3000] [workers=2]
// test/soak.test.ts runs a small one in the suite.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { WorkerCrashedError } from '@runtime-traits/core';
import { BullMQRuntime } from '../../src/index.js';
import { startRedis } from '../helpers/redis.js';
import { startWorker, type WorkerProcess } from '../helpers/workers.js';
import { noteRun } from '../fixtures/soak-tasks.js';

export interface KillSoakOptions {
  tasks: number;
  killEveryMs: number;
  workers: number;
  /** How long each task takes (so kills land mid-task). */
  taskMs?: number;
  /** Give up waiting after this long. */
  deadlineMs?: number;
}

export interface KillSoakReport {
  tasks: number;
  completed: number;
  crashed: number;
  wrong: string[];
  /** Tasks whose handle got more than one outcome (must be 0). */
  duplicated: number;
  /** Tasks with no outcome by the deadline (must be 0). */
  lost: number;
  kills: number;
  /** Runs beyond one (at-least-once re-runs after a kill). */
  reruns: number;
  /** Completed tasks with no recorded run (must be 0). */
  neverRan: number;
  seconds: number;
}

export async function killSoak(opts: KillSoakOptions): Promise<KillSoakReport> {
  const { tasks, killEveryMs, workers: count } = opts;
  const taskMs = opts.taskMs ?? 2;
  const redis = await startRedis();
  const dir = mkdtempSync(path.join(tmpdir(), 'rt-kill-soak-'));
  const queue = 'kill-soak';
  const flags = { redis: redis.url, queue, concurrency: 8, lockDuration: 2000, stalledInterval: 500 };
  const workers: WorkerProcess[] = await Promise.all(Array.from({ length: count }, () => startWorker(flags)));
  const runtime = await BullMQRuntime.create({ connection: redis.url, queue });
  const outcomes = new Array<number>(tasks).fill(0);
  const succeeded = new Uint8Array(tasks);
  let completed = 0;
  let crashed = 0;
  const wrong: string[] = [];
  let kills = 0;
  let killing = true;
  const started = performance.now();
  const killer = (async () => {
    while (killing) {
      await new Promise((resolve) => setTimeout(resolve, killEveryMs));
      if (!killing) break;
      const victim = Math.floor(Math.random() * workers.length);
      await workers[victim]!.kill();
      kills++;
      workers[victim] = await startWorker(flags);
    }
  })();
  try {
    const all = Array.from({ length: tasks }, (_, i) => runtime.executor.spawn(noteRun, [dir, i, taskMs]).then((value) => {
      outcomes[i]!++;
      if (value === i * 2) {
        completed++;
        succeeded[i] = 1;
      }
      else if (wrong.length < 10) wrong.push(`task ${i} returned ${value}`);
    }, (error: unknown) => {
      outcomes[i]!++;
      if (WorkerCrashedError.is(error)) crashed++;
      else if (wrong.length < 10) wrong.push(`task ${i} failed: ${String(error)}`);
    }));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(all), new Promise((resolve) => { timer = setTimeout(resolve, opts.deadlineMs ?? 900_000); })]);
    clearTimeout(timer);
    const seconds = (performance.now() - started) / 1000;
    killing = false;
    await killer;
    const runs = new Array<number>(tasks).fill(0);
    for (const file of readdirSync(dir)) {
      for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) if (line) runs[Number(line)]!++;
    }
    let neverRan = 0;
    for (let i = 0; i < tasks; i++) if (succeeded[i] === 1 && runs[i] === 0) neverRan++;
    return {
      tasks, completed, crashed, wrong, kills, seconds, neverRan,
      duplicated: outcomes.filter((n) => n > 1).length,
      lost: outcomes.filter((n) => n === 0).length,
      reruns: runs.reduce((sum, n) => sum + Math.max(0, n - 1), 0),
    };
  } finally {
    killing = false;
    await runtime.shutdown();
    await Promise.all(workers.map((w) => w.stop()));
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [tasks = 20_000, killEveryMs = 3_000, workers = 2] = process.argv.slice(2).map(Number);
  console.log(`bullmq kill soak: ${tasks} tasks, a worker process SIGKILLed and restarted every ${killEveryMs} ms, ${workers} workers`);
  const report = await killSoak({ tasks, killEveryMs, workers });
  console.log(JSON.stringify(report));
  const ok = report.completed + report.crashed === tasks && report.wrong.length === 0 && report.duplicated === 0
    && report.lost === 0 && report.neverRan === 0;
  console.log(ok ? 'PASS' : 'FAIL');
  process.exitCode = ok ? 0 : 1;
}
