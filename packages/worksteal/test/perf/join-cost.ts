// Per-join cost and idle latency (not a test): fib(n) by join against plain fib, on the pool's workers.
// Run: node packages/worksteal/dist/test/perf/join-cost.js [rounds] [n] [cutoff] [workers]
//   worker plain / worker join: timed inside ONE worker (the join there may still be helped by the others);
//   µs per join = (worker join - worker plain) / joins (meaningful with 1 worker: no stealing);
//   spawned join: fib(n) by join spawned from the main thread and awaited, as the bench does.
import { WorkStealingRuntime } from '../../src/index.js';
import { fibJoinPerf, fibPlain, timeFibJoin, timeFibPlain } from './perf-tasks.js';

const rounds = Number(process.argv[2] ?? 9);
const n = Number(process.argv[3] ?? 34);
const cutoff = Number(process.argv[4] ?? 20);
const workers = Number(process.argv[5] ?? 1);
const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[xs.length >> 1]!;
const show = (xs: number[]): string => xs.map((x) => x.toFixed(1)).join(' ');

/** Joins fib(n) makes: one per call above the cutoff. */
function joins(k: number): number {
  return k <= cutoff ? 0 : 1 + joins(k - 1) + joins(k - 2);
}

const rt = await WorkStealingRuntime.create({ workers });
try {
  const main: number[] = [];
  const plain: number[] = [];
  const joined: number[] = [];
  const spawned: number[] = [];
  const before = rt.metrics() as unknown as { steals: number; parks: number; wakes: number };
  for (let r = 0; r < rounds + 1; r++) {
    let t0 = performance.now();
    fibPlain(n);
    const m = performance.now() - t0;
    const p = (await rt.executor.spawn(timeFibPlain, [n])) / 1000;
    const j = (await rt.executor.spawn(timeFibJoin, [n, cutoff])) / 1000;
    t0 = performance.now();
    await rt.executor.spawn(fibJoinPerf, [n, cutoff]);
    const s = performance.now() - t0;
    if (r === 0) continue; // warm-up
    main.push(m);
    plain.push(p);
    joined.push(j);
    spawned.push(s);
  }
  const after = rt.metrics() as unknown as { steals: number; parks: number; wakes: number };
  const count = joins(n);
  const p = median(plain);
  const j = median(joined);
  console.log(`fib(${n}) cutoff ${cutoff}, ${workers} worker(s), ${rounds} rounds (medians): main plain ${median(main).toFixed(1)} ms, worker plain ${p.toFixed(1)} ms, worker join ${j.toFixed(1)} ms, spawned join ${median(spawned).toFixed(1)} ms = ${(median(main) / median(spawned)).toFixed(2)}x main plain`);
  console.log(`  joins ${count}; per join ${(((j - p) * 1000) / count).toFixed(2)} µs (worker join - worker plain) / joins`);
  console.log(`  per round: steals ${((after.steals - before.steals) / (rounds + 1)).toFixed(1)}, parks ${((after.parks - before.parks) / (rounds + 1)).toFixed(1)}, wakes ${((after.wakes - before.wakes) / (rounds + 1)).toFixed(1)}`);
  console.log(`  samples plain [${show(plain)}] join [${show(joined)}] spawned [${show(spawned)}]`);
} finally {
  await rt.shutdown();
}
