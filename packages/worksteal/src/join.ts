// rayon's join, once for every thread: push b, run a here, then take b back or wait (helping) until its thief is done.
//
// b's slot is the latch: its state word (task/slot-state.ts) says whether b is still queued, running
// on a thief, or done, and the thief's publishDone is what releases the joiner.
//   1. b gets a slot of the joining thread in mode JOIN (its completion never goes on a ring: the
//      joiner watches STATE) and is forked: put where a thief can take it, and one worker woken.
//   2. a runs here, synchronously.
//   3. b's state decides, until b is done:
//      QUEUED  → reclaim: take it back if it is still ours to take, and run it here with its own JS
//                arguments (nothing decoded);
//      RUNNING → a thief has it: help (run other work) if this thread can, else look again; after
//                about LOOK_MS of finding nothing, sleep until the thief's publishDone (or new work) wakes it;
//      DONE    → read the result from the slot (or, too big for it, from a message), free the slot.
// What differs between threads is only how they fork, reclaim, help and sleep (JoinSite): a pool
// thread pushes b on its own deque, pops it back, helps with other tasks and parks where new work can
// wake it; the main thread pushes b on the injector, takes it back with a CAS, cannot help, and sleeps
// on b's state word (checking for a dead thief every 5 ms: threads/main-thread.ts).
// Bodies must be synchronous (a thenable is a TypeError naming a or b: checkJoinResult), and join
// throws a's error only after b is done, as the contract says.
import type { TaskContext, TaskDef } from '@runtime-traits/core';
import { checkJoinResult } from '@runtime-traits/core/kit';
import { SlotMode } from './memory/layout.js';
import type { SlotOwner } from './task/owner.js';
import type { Outcome } from './task/side-results.js';
import { SlotState, stateOf } from './task/slot-state.js';

type AnyDef = TaskDef<unknown[], unknown>;

/** How one kind of thread forks b and waits for it. */
export interface JoinSite {
  /** The slots of the joining thread: b's slot is one of them. */
  readonly owner: SlotOwner;
  /** What a and b see when they run here. */
  readonly joinCx: TaskContext;
  /** About how long to keep looking before sleeping, in ms: about one wake's cost. */
  readonly lookMs: number;
  /** Puts b (QUEUED in `slot`, its JS arguments kept) where thieves look, and wakes one. */
  fork(slot: number): void;
  /** b is QUEUED: true when it is this thread's to run now (taken back, not queued any more). May run other work first. */
  reclaim(slot: number): boolean;
  /** b runs on a thief: runs one other task if it finds one (true), else false. */
  help(): boolean;
  /** b runs on a thief and nothing was found for about lookMs: sleeps until woken or a short while passed. */
  sleep(slot: number): void;
  /** b's result was too big for its slot and travels by message: waits for it. */
  awaitSideResult(slot: number): Outcome;
}

/** b's value or error, as left by joinB (a module variable, not an object per join). */
let bValue: unknown;

/** join(a, b) on `site`'s thread, where `n` is b's def number. */
export function join(site: JoinSite, a: AnyDef, aArgs: unknown[], b: AnyDef, bArgs: unknown[], n: number): [unknown, unknown] {
  const owner = site.owner;
  const slot = owner.alloc();
  if (slot < 0 || !owner.write(slot, n, bArgs, SlotMode.JOIN)) {
    if (slot >= 0) owner.release(slot);
    const ra = runBody(site.joinCx, a, aArgs, 'a');
    return pair(ra, runBody(site.joinCx, b, bArgs, 'b'));
  }
  owner.keepArgs(slot, bArgs);
  site.fork(slot);
  let ra: unknown;
  let aError: { error: unknown } | undefined;
  try {
    ra = runBody(site.joinCx, a, aArgs, 'a');
  } catch (error) {
    aError = { error };
  }
  const bOk = joinB(site, slot, b, bArgs);
  const rb = bValue;
  bValue = undefined;
  if (aError) throw aError.error;
  if (!bOk) throw rb;
  return pair(ra, rb);
}

/** Gets b done (here, or by its thief while this thread helps or sleeps); leaves its value in bValue, returns whether it succeeded. */
function joinB(site: JoinSite, slot: number, b: AnyDef, bArgs: unknown[]): boolean {
  const { owner } = site;
  const slots = owner.slots;
  let looks = 0;
  let idleSince = 0;
  for (;;) {
    const state = stateOf(slots, slot);
    if (state === SlotState.QUEUED) {
      if (!site.reclaim(slot)) continue;
      owner.keepArgs(slot, undefined);
      return runB(site.joinCx, b, bArgs);
    }
    if (state === SlotState.DONE) {
      const result = owner.result(slot);
      owner.keepArgs(slot, undefined);
      const outcome = result.side ? site.awaitSideResult(slot) : result;
      owner.release(slot);
      bValue = outcome.value;
      return outcome.ok;
    }
    if (site.help()) {
      idleSince = 0;
      continue;
    }
    if ((++looks & 7) !== 0) continue;
    const now = performance.now();
    if (idleSince === 0) idleSince = now;
    else if (now - idleSince >= site.lookMs) {
      site.sleep(slot);
      idleSince = 0;
    }
  }
}

/** Runs b here; its value or error goes to bValue. */
function runB(cx: TaskContext, def: AnyDef, args: unknown[]): boolean {
  try {
    bValue = runBody(cx, def, args, 'b');
    return true;
  } catch (error) {
    bValue = error;
    return false;
  }
}

function runBody(cx: TaskContext, def: AnyDef, args: unknown[], label: 'a' | 'b'): unknown {
  return checkJoinResult(def.fn(cx, ...args), label);
}

/**
 * The result pair as a generic array: a literal [ra, rb] would become an array of raw doubles once
 * some join returned a fraction, and hand later integers to the caller as heap numbers (memory/codec.ts, WHY).
 */
function pair(ra: unknown, rb: unknown): [unknown, unknown] {
  const out: [unknown, unknown] = [undefined, undefined];
  out[0] = ra;
  out[1] = rb;
  return out;
}
