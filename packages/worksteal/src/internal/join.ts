// rayon's join on a pool thread: push b, run a here, then take b back or help until its thief is done.
//
//   1. b gets a slot of this thread in mode JOIN (its completion is never put on a ring: the joiner
//      watches STATE) and goes on the own deque (a blocking thread, which has none, uses the injector).
//   2. a runs here, synchronously.
//   3. b's STATE decides:
//      QUEUED  → pop the own deque: b itself is on top unless it was stolen (then whatever is on top
//                belongs to an outer join of this thread or to a spawn: run it, it is work anyway);
//                with the deque empty, b sits in the injector or in a thief's deque: take it back
//                with a CAS QUEUED → CANCELLED (whoever pops the number later skips it) and run it here;
//      RUNNING → a thief has it: help (find and run other work); with nothing to do, keep looking for
//                about as long as a wake costs (~50 µs), then set WAITER and park like an idle worker
//                (parker.ts), so that EITHER new work (notifyWork) OR b's thief (unpark after storing
//                DONE) wakes it: a joiner never sleeps while there is work it could help with;
//      DONE    → read the result from the slot, free the slot.
// Bodies must be synchronous (a thenable is a TypeError naming a or b), and join throws a's error
// only after b is done, as the contract says.
import type { TaskContext, TaskDef } from '@runtime-traits/core';
import { checkJoinResult } from '@runtime-traits/core/kit';
import { EMPTY, type Deque } from '../deque.js';
import type { Endpoint } from './endpoint.js';
import { Layout, S, SlotMode, SlotState } from './layout.js';
import { PState } from '../parker.js';
import type { Shared } from './shared.js';

type AnyDef = TaskDef<unknown[], unknown>;
export interface Outcome { ok: boolean; value: unknown }

/** What join needs from the thread it runs on (worker.ts's PoolThread). */
export interface JoinSite {
  /** This thread's endpoint number (its park word and PSTATE). */
  readonly me: number;
  readonly shared: Shared;
  readonly endpoint: Endpoint;
  readonly deque: Deque | undefined;
  readonly joinCx: TaskContext;
  keepArgs(slot: number, args: unknown[] | undefined): void;
  pushLocal(slot: number): void;
  findWork(): number;
  runSlot(slot: number): void;
  /** A JOIN result too big for its slot arrives by message: wait for it synchronously. */
  awaitSideResult(slot: number): Outcome;
}

/** How long a joiner with nothing to help with keeps looking before it parks: about one wake's cost. */
const LOOK_MS_BEFORE_PARK = 0.05;
/** Upper bound of one park (a safety net: every way out of the wait also notifies). */
const PARK_MS = 1;

/** b's value or error, as left by joinB (a module variable, not an object per join). */
let bValue: unknown;

/** join with b's def number `n` (known to this thread's runner). */
export function joinOnPool(site: JoinSite, a: AnyDef, aArgs: unknown[], b: AnyDef, bArgs: unknown[], n: number): [unknown, unknown] {
  const { endpoint, shared } = site;
  const slot = endpoint.alloc();
  if (slot < 0 || !endpoint.write(slot, n, bArgs, SlotMode.JOIN)) {
    if (slot >= 0) endpoint.release(slot);
    const ra = runJoinBody(site.joinCx, a, aArgs, 'a');
    return pair(ra, runJoinBody(site.joinCx, b, bArgs, 'b'));
  }
  site.keepArgs(slot, bArgs);
  if (site.deque) site.pushLocal(slot);
  else shared.injector.push(slot);
  shared.parker.notifyWork();
  let ra: unknown;
  let aError: { error: unknown } | undefined;
  try {
    ra = runJoinBody(site.joinCx, a, aArgs, 'a');
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

/**
 * The result pair as a generic array: a literal [ra, rb] would become an array of raw doubles once
 * some join returned a fraction, and hand later integers to the caller as heap numbers (codec.ts, WHY).
 */
function pair(ra: unknown, rb: unknown): [unknown, unknown] {
  const out: [unknown, unknown] = [undefined, undefined];
  out[0] = ra;
  out[1] = rb;
  return out;
}

/** Gets b done (here, or by waiting for its thief, helping meanwhile); leaves its value in bValue, returns whether it succeeded. */
function joinB(site: JoinSite, slot: number, b: AnyDef, bArgs: unknown[]): boolean {
  const { endpoint, deque } = site;
  const slots = site.shared.slots;
  const h = Layout.slotWord(slot);
  let looks = 0;
  let idleSince = 0;
  for (;;) {
    const state = Atomics.load(slots, h + S.STATE);
    if (state === SlotState.QUEUED) {
      const top = deque ? deque.pop() : EMPTY;
      if (top === slot) {
        site.keepArgs(slot, undefined);
        endpoint.release(slot); // off every queue: free at once
        return runB(site.joinCx, b, bArgs);
      }
      if (top !== EMPTY) {
        site.runSlot(top);
        continue;
      }
      if (endpoint.tryCancelQueued(slot)) {
        site.keepArgs(slot, undefined); // its number comes back through our ring and is freed then
        return runB(site.joinCx, b, bArgs);
      }
      continue;
    }
    if (state === SlotState.DONE) {
      const result = endpoint.readResult(slot);
      site.keepArgs(slot, undefined);
      const outcome = result.side ? site.awaitSideResult(slot) : result;
      endpoint.release(slot);
      bValue = outcome.value;
      return outcome.ok;
    }
    const other = deque ? site.findWork() : EMPTY;
    if (other !== EMPTY) {
      site.runSlot(other);
      idleSince = 0;
      continue;
    }
    if ((++looks & 7) !== 0) continue;
    const now = performance.now();
    if (idleSince === 0) idleSince = now;
    else if (now - idleSince >= LOOK_MS_BEFORE_PARK) {
      parkInJoin(site, h);
      idleSince = 0;
    }
  }
}

/**
 * Parks a joiner whose b a thief is running. Dekker pairs on SC atomics, as in the idle loop:
 * WAITER=1 and PSTATE=PARKED are stored before STATE and the queues are looked at once more; the
 * thief stores DONE before it reads WAITER and PSTATE (task-runner.ts publish), a pusher publishes
 * work before notifyWork reads PSTATE. So either this last look sees it, or the other side wakes us.
 */
function parkInJoin(site: JoinSite, h: number): void {
  const { shared, me } = site;
  const parker = shared.parker;
  Atomics.store(shared.slots, h + S.WAITER, 1);
  parker.prepareParking(me);
  if (Atomics.load(shared.slots, h + S.STATE) !== SlotState.RUNNING || workVisible(site)) {
    afterJoinPark(site, parker.cancelParking(me));
    return;
  }
  Atomics.wait(shared.control, parker.parkWord(me), 0, PARK_MS);
  afterJoinPark(site, parker.finishParking(me));
}

/** A notifyWork that woke us counted us as a searcher: hand that back (the joiner looks on its own). */
function afterJoinPark(site: JoinSite, state: PState): void {
  const parker = site.shared.parker;
  if (state === PState.NOTIFIED_SEARCH && parker.stopSearching()) parker.notifyWork();
}

/** Anything a joiner could take right now (cheap looks only). */
function workVisible(site: JoinSite): boolean {
  const sh = site.shared;
  if (!site.deque) return false; // a blocking thread only waits for its b
  if (site.deque.length > 0 || sh.injector.length > 0) return true;
  for (let w = 1; w <= sh.config.workers; w++) if (sh.deques[w]!.length > 0) return true;
  return false;
}

/** Runs b here; its value or error goes to bValue. */
function runB(cx: TaskContext, def: AnyDef, args: unknown[]): boolean {
  try {
    bValue = runJoinBody(cx, def, args, 'b');
    return true;
  } catch (error) {
    bValue = error;
    return false;
  }
}

/** Runs a join body here; a body that returns a thenable is a TypeError naming it. */
export function runJoinBody(cx: TaskContext, def: AnyDef, args: unknown[], label: 'a' | 'b'): unknown {
  return checkJoinResult(def.fn(cx, ...args), label);
}
