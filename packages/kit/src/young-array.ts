// youngArray: an empty array V8 never pretenures, for structures that live and die with one run.
//
// WHY: V8 counts, per allocation site of an `[]` or `{}` literal (and of `new Array()`), how many of
// its objects survive a scavenge; past 85% it "pretenures" the site: later objects from it are born
// in the old generation. A run's structures (a simulation's ready queue, its hosts, its timer heap)
// live as long as the run, so while code warms up — runs slow, scavenges frequent — their sites get
// pretenured. From then on each run's arrays are born old and die young: until the next full GC they
// still hold whatever was pushed into them, and the scavenger treats every old-to-young pointer as a
// root, so each run's whole object graph is copied twice and promoted. Explore on one thread then
// promoted 24 MB per 600 seeds and spent ~20% of its CPU again on V8's background threads.
// An array made by a builtin (`Array.of`) has no allocation site: it is always born young.

/** An empty array that is always born in V8's young generation (see the file header). */
export function youngArray<T>(): T[] {
  return Array.of<T>();
}
