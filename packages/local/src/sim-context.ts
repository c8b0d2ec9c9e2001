// Which Simulation is running now on this thread, for the free functions buggify/always/sometimes, and who watches new ones.
//
// HOW: a simulation makes itself current when it is built and at the start of each of its
// scheduler turns. Every promise job a turn sets off (the continuations of the tasks it woke) runs
// before the next macrotask — the next turn of any simulation on this thread — so code reached from
// a simulation's tasks finds that simulation here, even when several simulations take turns on one
// thread. It stays current only until the next macrotask: entering queues a macrotask (one at a
// time, the scheduler's own kind, host-turn.ts) that clears it, so code that runs later — a
// timer of plain code after `await host.run(...)` returned — is outside every simulation again.
// Shutting a simulation down clears it too.
// WHY a macrotask and not a promise job: the turn's promise jobs queue more promise jobs as they
// run; a clear queued among them would cut the checkpoint in two. A macrotask runs only once the
// checkpoint is over, and the simulation's next turn (a later macrotask) makes it current again.
// WHY not the host: JavaScript has no portable async context (AsyncLocalStorage is Node's, and
// this package imports nothing from Node), and the continuations of every host woken in one turn
// run interleaved after it, so the host of a promise job cannot be known; the simulation can.
// Limit: code outside any simulation that runs in the same microtask checkpoint right after a
// simulation's turn (a foreign promise settling then) also sees that simulation, and so does a
// foreign macrotask that the host runs before the clearing one (Node runs due timers and IO
// callbacks before the next setImmediate).
import type { AssertionRecord, SimAssertionError } from './assertions.js';
import type { Simulation } from './simulation.js';
import { findMacrotaskTurn, type MacrotaskTurn } from './host-turn.js';

/** What the assertion and buggify functions need from a simulation. */
export interface SimulationContext {
  /** The simulation's seed. */
  readonly seed: number | string;
  /** @internal What its always/sometimes calls saw. */
  readonly assertions: AssertionRecord;
  /** True with probability p, from the simulation's own seeded stream. */
  buggify(p: number): boolean;
  /** @internal Records an `always` failure: every run() of the simulation rejects with `error` at once. */
  failAssertion(error: SimAssertionError): void;
  /** Adds a line to the simulation's trace. */
  note(what: string): void;
}

let current: SimulationContext | undefined;
const watchers = new Set<(sim: SimulationContext) => void>();

/** The simulation whose tasks are running now, or undefined outside every simulation. */
export function currentSimulation(): SimulationContext | undefined {
  return current;
}

/** True while a macrotask that clears `current` is queued. */
let clearQueued = false;
/** Found on first use: importing this module touches no host global. */
let macrotask: MacrotaskTurn | undefined;
const clearCurrent = (): void => {
  clearQueued = false;
  current = undefined;
};

/** @internal Called by Simulation: on construction and at every scheduler turn; current until the next macrotask. */
export function enterSimulation(sim: SimulationContext): void {
  current = sim;
  if (clearQueued) return; // the queued clear runs after this macrotask's checkpoint all the same
  clearQueued = true;
  (macrotask ??= findMacrotaskTurn())(clearCurrent);
}

/** @internal Called by Simulation.shutdown(). */
export function leaveSimulation(sim: SimulationContext): void {
  if (current === sim) current = undefined;
}

/** @internal Called by the Simulation constructor: tells every watcher. */
export function announceSimulation(sim: SimulationContext): void {
  for (const watch of [...watchers]) watch(sim);
}

/**
 * Calls `fn` with every Simulation built on this thread from now on, until the returned function
 * is called. Tools (explore, replay) use it to find the simulations a scenario builds.
 */
export function observeSimulations(fn: (sim: Simulation) => void): () => void {
  if (typeof fn !== 'function') throw new TypeError(`fn must be a function, got ${typeof fn}`);
  const watcher = fn as (sim: SimulationContext) => void;
  watchers.add(watcher);
  return () => { watchers.delete(watcher); };
}
