// The showcase's portable tasks: prime counting, one range per task or split by fork-join.
import { defineTask } from '@runtime-traits/core';
import { whereAmI } from './where.js';

/** Primes in [from, to), by trial division: honest CPU work with a checkable answer. */
export function primesIn(from: number, to: number): number {
  let count = 0;
  for (let n = Math.max(2, from); n < to; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) { prime = false; break; }
    }
    if (prime) count++;
  }
  return count;
}

export interface Counted {
  count: number;
  /** Threads that did part of the work. */
  where: string[];
}

/** One range, on whatever thread the runtime picks. */
export const countPrimes = defineTask(import.meta.url, 'countPrimes',
  (_cx, from: number, to: number): Counted => ({ count: primesIn(from, to), where: [whereAmI()] }));

/** A range split in halves with `join` until ranges are `grain` long: parallel where the runtime can. */
export const countPrimesForkJoin = defineTask(import.meta.url, 'countPrimesForkJoin',
  (cx, from: number, to: number, grain: number): Counted => {
    if (to - from <= grain) return { count: primesIn(from, to), where: [whereAmI()] };
    const mid = from + Math.floor((to - from) / 2);
    const [a, b] = cx.runtime.executor.join(
      countPrimesForkJoin, [from, mid, grain],
      countPrimesForkJoin, [mid, to, grain],
    );
    return { count: a.count + b.count, where: [...new Set([...a.where, ...b.where])] };
  });
