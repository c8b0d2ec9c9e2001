// The piscina worker for the fork-join benchmark: leaf work only (a pool cannot fork), driven
// by a recursion on the main thread: fib below the cutoff, sort a range, merge two ranges.
import { fibSeq } from '../work/fib.js';
import { merge, sortSeq } from '../work/mergesort.js';

export type ForkJoinJob =
  | { op: 'fib'; n: number }
  | { op: 'sort'; data: SharedArrayBuffer; tmp: SharedArrayBuffer; lo: number; hi: number }
  | { op: 'merge'; data: SharedArrayBuffer; tmp: SharedArrayBuffer; lo: number; mid: number; hi: number };

export default function run(job: ForkJoinJob): number {
  switch (job.op) {
    case 'fib':
      return fibSeq(job.n);
    case 'sort':
      sortSeq(new Float64Array(job.data), new Float64Array(job.tmp), job.lo, job.hi);
      return job.hi - job.lo;
    case 'merge':
      merge(new Float64Array(job.data), new Float64Array(job.tmp), job.lo, job.mid, job.hi);
      return job.hi - job.lo;
  }
}
