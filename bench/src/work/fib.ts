// The fork-join workload's arithmetic: plain recursive Fibonacci, the same code every contender runs.

/** Below or at this n every contender computes sequentially (the "sequential cutoff"). */
export const FIB_CUTOFF = 20;

export function fibSeq(n: number): number {
  return n < 2 ? n : fibSeq(n - 1) + fibSeq(n - 2);
}
