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
//      RUNNING → a thief has it: help (find and run other work); with nothing to do, spin a little,
//                then set WAITER and Atomics.wait on STATE (the thief notifies after storing DONE);
//      DONE    → read the result from the slot, free the slot.
// Bodies must be synchronous (a thenable is a TypeError naming a or b), and join throws a's error
// only after b is done, as the contract says.
import type { TaskContext, TaskDef } from '@runtime-traits/core';
import { isThenable } from '@runtime-traits/core/kit';
import { EMPTY, type Deque } from '../deque.js';
import type { Endpoint } from './endpoint.js';
import { Layout, S, SlotMode, SlotState } from './layout.js';
import type { Shared } from './shared.js';

type AnyDef = TaskDef<unknown[], unknown>;
export interface Outcome { ok: boolean; value: unknown }

/** What join needs from the thread it runs on (worker.ts's PoolThread). */
export interface JoinSite {
  readonly shared: Shared;
  readonly endpoint: Endpoint;
  readonly deque: Deque | undefined;
  readonly joinCx: TaskContext;
  defNumber(def: AnyDef): number;
  keepArgs(slot: number, args: unknown[] | undefined): void;
  pushLocal(slot: number): void;
  findWork(): number;
  runSlot(slot: number): void;
  /** A JOIN result too big for its slot arrives by message: wait for it synchronously. */
  awaitSideResult(slot: number): Outcome;
}

const SPINS_BEFORE_WAIT = 64;

export function joinOnPool(site: JoinSite, a: AnyDef, aArgs: unknown[], b: AnyDef, bArgs: unknown[]): [unknown, unknown] {
  const { endpoint, shared } = site;
  const n = site.defNumber(b);
  const slot = endpoint.alloc();
  if (slot < 0 || !endpoint.write(slot, n, bArgs, SlotMode.JOIN)) {
    if (slot >= 0) endpoint.release(slot);
    return [runJoinBody(site.joinCx, a, aArgs, 'a'), runJoinBody(site.joinCx, b, bArgs, 'b')];
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
  const rb = joinB(site, slot, b, bArgs);
  if (aError) throw aError.error;
  if (!rb.ok) throw rb.value;
  return [ra, rb.value];
}

function joinB(site: JoinSite, slot: number, b: AnyDef, bArgs: unknown[]): Outcome {
  const { endpoint, deque } = site;
  const slots = site.shared.slots;
  const h = Layout.slotWord(slot);
  let idle = 0;
  for (;;) {
    const state = Atomics.load(slots, h + S.STATE);
    if (state === SlotState.QUEUED) {
      const top = deque ? deque.pop() : EMPTY;
      if (top === slot) {
        site.keepArgs(slot, undefined);
        endpoint.release(slot); // off every queue: free at once
        return tryJoinBody(site.joinCx, b, bArgs);
      }
      if (top !== EMPTY) {
        site.runSlot(top);
        continue;
      }
      if (endpoint.tryCancelQueued(slot)) {
        site.keepArgs(slot, undefined); // its number comes back through our ring and is freed then
        return tryJoinBody(site.joinCx, b, bArgs);
      }
      continue;
    }
    if (state === SlotState.DONE) {
      const result = endpoint.readResult(slot);
      site.keepArgs(slot, undefined);
      const outcome = result.side ? site.awaitSideResult(slot) : result;
      endpoint.release(slot);
      return outcome;
    }
    const other = deque ? site.findWork() : EMPTY;
    if (other !== EMPTY) {
      site.runSlot(other);
      idle = 0;
      continue;
    }
    if (++idle < SPINS_BEFORE_WAIT) continue;
    Atomics.store(slots, h + S.WAITER, 1);
    Atomics.wait(slots, h + S.STATE, SlotState.RUNNING, 1);
  }
}

function tryJoinBody(cx: TaskContext, def: AnyDef, args: unknown[]): Outcome {
  try {
    return { ok: true, value: runJoinBody(cx, def, args, 'b') };
  } catch (error) {
    return { ok: false, value: error };
  }
}

/** Runs a join body here; a body that returns a thenable is a TypeError naming it. */
export function runJoinBody(cx: TaskContext, def: AnyDef, args: unknown[], label: 'a' | 'b'): unknown {
  const result = def.fn(cx, ...args);
  if (isThenable(result)) {
    result.then(undefined, () => undefined);
    throw new TypeError(`join: ${label} returned a promise; join bodies must be synchronous`);
  }
  return result;
}
