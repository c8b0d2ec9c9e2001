// forkjoin: recursive fib(34) with a sequential cutoff, and a parallel merge sort of 4M numbers:
// sequential on the main thread, worksteal `join`, worksteal async `spawn`, and piscina with the
// recursion driven from the main thread (a pool cannot fork, so that is the best it can do).
import { performance } from 'node:perf_hooks';
import { Piscina } from 'piscina';
import type { Runtime } from '@runtime-traits/core';
import { alternate, type Contender } from '../harness/alternate.js';
import { atLeast, toRows } from '../harness/rows.js';
import { closeRuntime, openRuntime } from '../harness/runtimes.js';
import type { ForkJoinJob } from '../peers/forkjoin-worker.js';
import { fibJoin, fibSpawn, sortJoin, sortSpawn } from '../tasks/forkjoin.js';
import type { BenchContext, BenchRow, Benchmark } from '../types.js';
import { FIB_CUTOFF, fibSeq } from '../work/fib.js';
import { SORT_PAR_CUTOFF, isSorted, randomNumbers, sortSeq } from '../work/mergesort.js';

const THREADS = 2;

const bench: Benchmark = {
  name: 'forkjoin',
  description: 'fib(34) and a 4M-number merge sort: sequential vs worksteal join / spawn vs piscina driven from the main thread',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const fibN = ctx.quick ? 27 : 34;
    const sortN = ctx.quick ? 1 << 18 : 4 * 1024 * 1024;
    const rounds = ctx.quick ? 1 : 9; // fib is ~0.1-0.4 s a sample: cheap enough for more rounds against the noise
    const rows: BenchRow[] = [];
    let rt: Runtime | string = 'not opened';
    const pool = new Piscina({ filename: new URL('../peers/forkjoin-worker.js', import.meta.url).pathname, minThreads: THREADS, maxThreads: THREADS });
    const fibPool = async (n: number): Promise<number> => {
      if (n <= FIB_CUTOFF) return pool.run({ op: 'fib', n } satisfies ForkJoinJob) as Promise<number>;
      const [a, b] = await Promise.all([fibPool(n - 1), fibPool(n - 2)]);
      return a + b;
    };
    try {
      rt = await openRuntime('worksteal', { workers: THREADS });
      const runtime = rt;
      const expected = fibSeq(fibN);
      const timed = async (work: () => unknown): Promise<number> => {
        const t0 = performance.now();
        const value = await work();
        const ms = performance.now() - t0;
        if (value !== expected) throw new Error(`fib(${fibN}) gave ${String(value)}, expected ${expected}`);
        return ms;
      };
      const ws = (name: string, go: (rt: Runtime) => () => unknown): Contender =>
        typeof runtime === 'string'
          ? { name, unavailable: runtime, measure: async () => NaN }
          : { name, measure: () => timed(go(runtime)) };

      const fibLabel = `fib(${fibN}), cutoff ${FIB_CUTOFF}`;
      ctx.log(`  forkjoin: ${fibLabel}`);
      // Four untimed runs of every contender first: each worker isolate compiles its join path only
      // after ~2,000 joins, so with one warm-up run the first rounds timed the JIT, not fork-join.
      const fibOutcomes = await alternate([
        { name: 'sequential', measure: () => timed(() => fibSeq(fibN)) },
        ws('worksteal join', (r) => () => r.executor.spawn(fibJoin, [fibN])),
        ws('worksteal spawn', (r) => () => r.executor.spawn(fibSpawn, [fibN])),
        { name: 'piscina (main-driven)', measure: () => timed(() => fibPool(fibN)) },
      ], { rounds, warmup: ctx.quick ? 1 : 4, log: ctx.log, label: fibLabel });
      rows.push(...toRows({
        bench: 'forkjoin', case: fibLabel, unit: 'ms', better: 'lower', baseline: 'sequential',
        targets: [atLeast('worksteal join', 1.8, 'sequential', 'lower', `>= 1.8x sequential on ${THREADS} workers`)],
        notes: { 'piscina (main-driven)': `main thread recurses down to n <= ${FIB_CUTOFF}, each leaf is one pool.run()` },
      }, fibOutcomes));
      ctx.record?.(rows);

      // Sorting: the input is copied into shared memory before each sample (untimed), the result
      // is checked after it (untimed). No warm-up run: a 4M sort is seconds under load, and the
      // median of three alternated rounds absorbs a cold first one.
      const input = randomNumbers(sortN);
      const dataSab = new SharedArrayBuffer(sortN * 8);
      const tmpSab = new SharedArrayBuffer(sortN * 8);
      const data = new Float64Array(dataSab);
      const tmp = new Float64Array(tmpSab);
      const sortTimed = async (work: () => unknown): Promise<number> => {
        data.set(input);
        const t0 = performance.now();
        await work();
        const ms = performance.now() - t0;
        if (!isSorted(data)) throw new Error('the array is not sorted');
        return ms;
      };
      const sortPool = async (lo: number, hi: number): Promise<void> => {
        if (hi - lo <= SORT_PAR_CUTOFF) {
          await pool.run({ op: 'sort', data: dataSab, tmp: tmpSab, lo, hi } satisfies ForkJoinJob);
          return;
        }
        const mid = (lo + hi) >>> 1;
        await Promise.all([sortPool(lo, mid), sortPool(mid, hi)]);
        await pool.run({ op: 'merge', data: dataSab, tmp: tmpSab, lo, mid, hi } satisfies ForkJoinJob);
      };
      const wsSort = (name: string, go: (rt: Runtime) => () => unknown): Contender =>
        typeof runtime === 'string'
          ? { name, unavailable: runtime, measure: async () => NaN }
          : { name, measure: () => sortTimed(go(runtime)) };
      const sortLabel = `merge sort ${sortN >= 1 << 20 ? `${sortN / (1 << 20)}M` : `${sortN / 1024}k`} numbers`;
      ctx.log(`  forkjoin: ${sortLabel}`);
      const sortOutcomes = await alternate([
        { name: 'sequential', measure: () => sortTimed(() => sortSeq(data, tmp, 0, sortN)) },
        wsSort('worksteal join', (r) => () => r.executor.spawn(sortJoin, [dataSab, tmpSab, 0, sortN])),
        wsSort('worksteal spawn', (r) => () => r.executor.spawn(sortSpawn, [dataSab, tmpSab, 0, sortN])),
        { name: 'piscina (main-driven)', measure: () => sortTimed(() => sortPool(0, sortN)) },
      ], { rounds: ctx.quick ? 1 : 3, log: ctx.log, label: sortLabel });
      rows.push(...toRows({
        bench: 'forkjoin', case: sortLabel, unit: 'ms', better: 'lower', baseline: 'sequential',
        notes: {
          'piscina (main-driven)': `main thread recurses down to ${SORT_PAR_CUTOFF} elements; leaf sorts and every merge are pool.run() calls on shared memory`,
        },
      }, sortOutcomes));
    } finally {
      await closeRuntime(rt, ctx.log);
      await pool.destroy();
    }
    return rows;
  },
};

export default bench;
