// The showcase library: runtime-agnostic work that any runtime can be wired into.
export { Tour } from './tour.js';
export { countPrimes, countPrimesForkJoin, primesIn } from './jobs.js';
export { whereAmI } from './where.js';

export type { Step } from './tour.js';
export type { Counted } from './jobs.js';
