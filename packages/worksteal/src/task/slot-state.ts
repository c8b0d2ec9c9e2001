// A task slot's state word and flags: every transition, who may make it, and why its ordering suffices.
//
// This file is the only one that writes S.STATE (and S.FLAGS, S.RUNNER, S.WAITER). Each slot has one
// owner (the endpoint whose range holds it, memory/layout.ts) and, while the task runs, one runner.
//
//     FREE ──markQueued──▶ QUEUED ──tryClaim──▶ RUNNING ──publishDone──▶ DONE
//       │                    │ ▲                  ▲ │
//       └──────startOn───────┼─┼──────────────────┘ │
//                            │ └──putBackUnstarted──┘  (its runner died while loading the def)
//                            └──tryTakeBack──▶ CANCELLED          (any of them) ──markFree──▶ FREE
//
//   transition          who may make it                                   function
//   FREE → QUEUED       the owner, on a slot it wrote, before the push    markQueued
//   QUEUED → RUNNING    the thread that popped the number                 tryClaim     (CAS)
//   QUEUED → CANCELLED  the owner (cancel; a joiner running b itself)     tryTakeBack  (CAS)
//   FREE → RUNNING      the owner, for a task sent by message (main)      startOn
//   RUNNING → DONE      the runner; recovery (main) for a dead runner     publishDone
//   RUNNING → QUEUED    recovery (main), for a dead runner's slot still   putBackUnstarted
//                       marked loading (the body never started)
//   any → FREE          the owner, once no queue can hold the number      markFree
//   (A pool thread running its own task frees it without DONE: nothing crosses threads.)
//
// WHY these orderings suffice. JavaScript's Atomics are sequentially consistent, and every queue
// push ends with an Atomics store that the popping thread's Atomics load reads (queues/), so:
//   - plain stores made by the owner before it pushes the slot number (markQueued, the payload) are
//     seen by whoever pops it; plain stores made by a runner before publishDone's Atomics.store are
//     seen by whoever reads DONE with an Atomics.load (the owner, a joiner, recovery);
//   - QUEUED leaves by a compare-exchange (tryClaim against tryTakeBack), so exactly one of the
//     runner and the owner wins a queued task, whatever the interleaving; or by markFree after the
//     owner popped the number itself (a number is in at most one queue: nobody else can claim it);
//   - a joiner about to sleep and the runner finishing b form a Dekker pair: the joiner stores WAITER
//     (announceWaiter) and then loads STATE; the runner stores DONE and then loads WAITER
//     (publishDone). Under SC at least one of them sees the other's store, so either the joiner
//     does not sleep or the runner wakes it.
//   - the cancel flag only ever goes up (raiseCancel); a runner that misses it at one poll sees it
//     at the next, and the owner's cancel never depends on the runner seeing it in time.
//   - the loading flag is written by the runner alone while it lives (markLoading before it imports
//     the def, markLoaded before the body starts), and read by recovery only after that thread died:
//     no store of a dead thread is still on its way, so recovery sees the last one. Both flags share
//     the word, so every write to it is an Atomics read-modify-write (or, markQueued, the owner's
//     store before the push that publishes it).
import { S, SLOT_WORDS, type SlotMode } from '../memory/layout.js';

export const enum SlotState {
  /** In its owner's free list; nobody else holds its number. */
  FREE = 0,
  /** Written and (about to be) in a queue; anyone who pops it may claim it. */
  QUEUED = 1,
  /** Claimed: RUNNER says by whom. */
  RUNNING = 2,
  /** Result (or error) written; the completion is on its way to the owner. */
  DONE = 3,
  /** The owner took it back before it ran (cancel, or a join running b itself); whoever pops it skips it. */
  CANCELLED = 4,
}

/** S.FLAGS bit: cancellation was requested. */
const FLAG_CANCEL = 1;
/**
 * S.FLAGS bit: the runner claimed the slot but has not started its body: it is still importing the
 * def, or (thread-per-core) the task waits behind one that is. Recovery puts such a slot back in a
 * queue instead of failing a task that never ran.
 */
const FLAG_LOADING = 2;
/**
 * S.FLAGS bits 2–30 of a slot marked loading: its runner's claim order (markLoading), so recovery
 * puts a dead runner's unstarted slots back in the order it claimed them. Claims that get marked are
 * only those made while a def loads: a thread would need 2^29 of them before the count wraps.
 */
const ORDER_SHIFT = 2;
const ORDER_MASK = 0x1fffffff;

// ── reads (any thread) ─────────────────────────────────────────────────────
export function stateOf(slots: Int32Array, slot: number): SlotState {
  return Atomics.load(slots, slot * SLOT_WORDS + S.STATE) as SlotState;
}

/** True once a thread claimed the slot (RUNNING or DONE): its handle is 'running'. */
export function isStarted(slots: Int32Array, slot: number): boolean {
  const state = Atomics.load(slots, slot * SLOT_WORDS + S.STATE);
  return state === SlotState.RUNNING || state === SlotState.DONE;
}

/** The endpoint running the slot's task (-1 before a claim). Meaningful once isStarted(). */
export function runnerOf(slots: Int32Array, slot: number): number {
  return Atomics.load(slots, slot * SLOT_WORDS + S.RUNNER);
}

/** The endpoint owning the slot (fixed by its range; written once when the buffers are made). */
export function ownerOf(slots: Int32Array, slot: number): number {
  return slots[slot * SLOT_WORDS + S.OWNER]!;
}

/** How the slot's completion is reported (written by the owner before the slot was queued). */
export function modeOf(slots: Int32Array, slot: number): SlotMode {
  return slots[slot * SLOT_WORDS + S.MODE] as SlotMode;
}

/** Whether cancellation was requested. The runner polls it; an Atomics.load sees the owner's Atomics.or. */
export function cancelRequested(slots: Int32Array, slot: number): boolean {
  return (Atomics.load(slots, slot * SLOT_WORDS + S.FLAGS) & FLAG_CANCEL) !== 0;
}

/** Whether the slot's runner claimed it but has not started its body (its def is still loading). */
export function isLoading(slots: Int32Array, slot: number): boolean {
  return (Atomics.load(slots, slot * SLOT_WORDS + S.FLAGS) & FLAG_LOADING) !== 0;
}

// ── the owner ──────────────────────────────────────────────────────────────
/**
 * FREE → QUEUED, with no runner, no cancel and no waiter. Owner only, on a slot it just allocated and
 * wrote, before it pushes the number. Plain stores are enough: no other thread looks at the slot
 * until it pops the number, and the queue's publishing Atomics.store comes after these.
 */
export function markQueued(slots: Int32Array, slot: number): void {
  const h = slot * SLOT_WORDS;
  slots[h + S.RUNNER] = -1;
  slots[h + S.FLAGS] = 0;
  slots[h + S.WAITER] = 0;
  slots[h + S.STATE] = SlotState.QUEUED;
}

/**
 * FREE → RUNNING on `runner`, for a task whose arguments travel by message (never queued). Owner
 * only (the main thread), before it posts the message; the Atomics stores are seen by the runner,
 * which reads the slot only after the message, and by the owner's own later reads.
 */
export function startOn(slots: Int32Array, slot: number, runner: number): void {
  const h = slot * SLOT_WORDS;
  Atomics.store(slots, h + S.FLAGS, 0);
  Atomics.store(slots, h + S.RUNNER, runner);
  Atomics.store(slots, h + S.STATE, SlotState.RUNNING);
}

/**
 * QUEUED → CANCELLED: takes back a task nobody started (a cancel, or a joiner running b itself).
 * Owner only. A compare-exchange against tryClaim's: exactly one wins. The number stays in its queue;
 * whoever pops it later fails tryClaim and hands it back, and the owner frees it then.
 */
export function tryTakeBack(slots: Int32Array, slot: number): boolean {
  const at = slot * SLOT_WORDS + S.STATE;
  return Atomics.compareExchange(slots, at, SlotState.QUEUED, SlotState.CANCELLED) === SlotState.QUEUED;
}

/**
 * Raises the cancel flag of a task that started; returns the endpoint running it. Owner only
 * (Atomics.or: the flag never goes down while the task lives; markQueued clears it for the next task).
 */
export function raiseCancel(slots: Int32Array, slot: number): number {
  const h = slot * SLOT_WORDS;
  Atomics.or(slots, h + S.FLAGS, FLAG_CANCEL);
  return Atomics.load(slots, h + S.RUNNER);
}

/**
 * → FREE. Owner only, once no queue can still hold the number: its completion came through the ring,
 * or (a join's b) the joiner saw DONE or popped it back itself. A plain store: only the owner uses
 * the slot until its next markQueued, which the next queue push publishes.
 */
export function markFree(slots: Int32Array, slot: number): void {
  slots[slot * SLOT_WORDS + S.STATE] = SlotState.FREE;
}

// ── the runner ─────────────────────────────────────────────────────────────
/**
 * QUEUED → RUNNING by `me`, the thread that popped the number. RUNNER is stored first, so anyone who
 * sees RUNNING (an Atomics.load after this compare-exchange) sees who runs it. False when the owner
 * took it back first: the caller hands the number back to the owner's ring untouched.
 */
export function tryClaim(slots: Int32Array, slot: number, me: number): boolean {
  const h = slot * SLOT_WORDS;
  Atomics.store(slots, h + S.RUNNER, me);
  return Atomics.compareExchange(slots, h + S.STATE, SlotState.QUEUED, SlotState.RUNNING) === SlotState.QUEUED;
}

/**
 * RUNNING → DONE, after the result (or error) was written into the slot: the Atomics.store publishes
 * it. The runner calls it, or the main thread's recovery for a runner that died. Returns whether a
 * joiner announced that it may sleep on b (WAITER, read after DONE: the Dekker pair in the header),
 * in which case the caller must wake it.
 */
export function publishDone(slots: Int32Array, slot: number): boolean {
  const h = slot * SLOT_WORDS;
  Atomics.store(slots, h + S.STATE, SlotState.DONE);
  return Atomics.load(slots, h + S.WAITER) !== 0;
}

/**
 * Marks a claimed (RUNNING) slot as not started, `order` being its runner's count of such claims: its
 * runner must import the def first, or (thread-per-core) run an earlier task's first. Runner only, and
 * only for a slot that can run elsewhere (its arguments are in the slot and another thread owns it):
 * should the runner die before markLoaded, recovery puts the slot back (putBackUnstarted), in claim order.
 */
export function markLoading(slots: Int32Array, slot: number, order: number): void {
  Atomics.or(slots, slot * SLOT_WORDS + S.FLAGS, FLAG_LOADING | ((order & ORDER_MASK) << ORDER_SHIFT));
}

/** The claim order markLoading gave a slot still marked loading. */
export function claimOrderOf(slots: Int32Array, slot: number): number {
  return (Atomics.load(slots, slot * SLOT_WORDS + S.FLAGS) >>> ORDER_SHIFT) & ORDER_MASK;
}

/** A markLoading slot's body starts now, so a death from now on fails it (its claim order is cleared too). Runner only. */
export function markLoaded(slots: Int32Array, slot: number): void {
  Atomics.and(slots, slot * SLOT_WORDS + S.FLAGS, FLAG_CANCEL);
}

/**
 * RUNNING → QUEUED for a slot whose runner died while it was still loading the def (isLoading): the
 * body never ran, so the task may run elsewhere, once. Main thread only (recovery), after the runner
 * died. Returns false (and changes nothing) for a slot that was not loading. The cancel flag and a
 * joiner's WAITER are kept; the caller pushes the number back on a queue, which publishes these stores.
 */
export function putBackUnstarted(slots: Int32Array, slot: number): boolean {
  const h = slot * SLOT_WORDS;
  if ((Atomics.and(slots, h + S.FLAGS, FLAG_CANCEL) & FLAG_LOADING) === 0) return false;
  Atomics.store(slots, h + S.RUNNER, -1);
  Atomics.store(slots, h + S.STATE, SlotState.QUEUED);
  return true;
}

/** Wakes a main-thread joiner sleeping in waitWhileRunning (Atomics.notify writes nothing). */
export function wakeStateWaiter(slots: Int32Array, slot: number): void {
  Atomics.notify(slots, slot * SLOT_WORDS + S.STATE);
}

// ── a joiner waiting for b ─────────────────────────────────────────────────
/**
 * The joiner of b (the slot's owner) is about to sleep: from now on the runner's publishDone reports
 * it, so the joiner must look at STATE once more after this before it sleeps (Dekker, see the header).
 */
export function announceWaiter(slots: Int32Array, slot: number): void {
  Atomics.store(slots, slot * SLOT_WORDS + S.WAITER, 1);
}

/**
 * Blocks the calling thread for up to `ms` while the slot is RUNNING (Atomics.wait on STATE: returns at
 * once if it is not). Only a joiner that announced itself, on the main thread (a pool thread parks on
 * its park word instead, where new work can wake it too).
 */
export function waitWhileRunning(slots: Int32Array, slot: number, ms: number): 'ok' | 'not-equal' | 'timed-out' {
  return Atomics.wait(slots, slot * SLOT_WORDS + S.STATE, SlotState.RUNNING, ms);
}
