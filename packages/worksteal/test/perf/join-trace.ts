// Where the time of a fork-join fib goes (not a test): per thread, when its first leaf started, when
// its last leaf ended and how long it spent in leaves, relative to the spawn on the main thread.
// Run: node packages/worksteal/dist/test/perf/join-trace.js [rounds] [n] [cutoff] [workers]
import { WorkStealingRuntime } from '../../src/index.js';
import { fibJoinTraced } from './perf-tasks.js';

const rounds = Number(process.argv[2] ?? 5);
const n = Number(process.argv[3] ?? 34);
const cutoff = Number(process.argv[4] ?? 20);
const workers = Number(process.argv[5] ?? 2);

const rt = await WorkStealingRuntime.create({ workers });
try {
  for (let r = 0; r < rounds; r++) {
    const sab = new SharedArrayBuffer(32 * 64);
    const f = new Float64Array(sab);
    const t0 = performance.timeOrigin + performance.now();
    await rt.executor.spawn(fibJoinTraced, [n, cutoff, sab]);
    const t1 = performance.timeOrigin + performance.now();
    const per: string[] = [];
    for (let t = 0; t < 64; t++) {
      if (f[4 * t]! === 0) continue;
      const [leaves, first, last, busy] = [f[4 * t]!, f[4 * t + 1]!, f[4 * t + 2]!, f[4 * t + 3]!];
      per.push(`t${t}: ${leaves} leaves, first +${(first - t0).toFixed(2)}, last ${(last - t0).toFixed(2)} (end -${(t1 - last).toFixed(2)}), busy ${busy.toFixed(1)}, gaps ${(last - first - busy).toFixed(2)}`);
    }
    console.log(`round ${r}: ${(t1 - t0).toFixed(1)} ms | ${per.join(' | ')}`);
  }
} finally {
  await rt.shutdown();
}
