// Each pool thread's liveness word in shared memory: which incarnation (epoch) holds an endpoint, and whether and why it died.
//
// HOW: E.LIFE of endpoint e = epoch * 8 + why (0 while alive). The main thread gives every thread it
// starts on e a new epoch and stores it (alive) before the thread starts. A death is marked by CAS
// from exactly that epoch's alive value to the same epoch with a why, so only the first marker wins
// and a late marker of a dead incarnation cannot touch its replacement. Two markers exist besides the
// exit event:
//   - the thread itself: when it calls process.exit (its 'exit' handler), or when it finds that a
//     task's synchronous run was cut short by something no catch sees (the engine ended its script on
//     out-of-memory or exit but went on running the thread's event loop: Deno does);
//   - whoever holds the other end of each thread's life port (watchdog.ts): an engine closes a
//     thread's ports when the thread is gone, whatever killed it. The main thread holds them until it
//     first joins (where the engine reports the close of a port nobody started); from then on the
//     watchdog thread, which never runs task code, sees the close within its own event loop turn.
// Each marker then adds 1 to G.DEATHS and wakes the main thread, which compares G.DEATHS with the
// deaths it handled (a load per wake) and reads the words of its threads only when they differ. A
// thread busy in a long synchronous task marks nothing and closes no port: it is never taken for dead.
import { E, G } from '../memory/layout.js';
import type { Shared } from '../memory/shared.js';

export const enum Why {
  ALIVE = 0,
  /** Its life port closed: the thread is gone (thrown at top level, out of memory, terminated…). */
  PORT_CLOSED = 1,
  /** It called process.exit. */
  EXITED = 2,
  /** A task's synchronous run was cut short by the engine (out of memory, termination), and the thread ran on. */
  CUT_SHORT = 3,
  /** An uncaught exception (or unhandled rejection) ended it; its exit event's error names it. */
  UNCAUGHT = 4,
}

const WHY_BITS = 3;
const WHY_MASK = (1 << WHY_BITS) - 1;

export function lifeWord(shared: Shared, e: number): number {
  return shared.layout.endpointBase(e) + E.LIFE;
}

/** Main, before starting a thread on e: the thread's epoch, stored alive. */
export function beginEpoch(shared: Shared, e: number, epoch: number): void {
  Atomics.store(shared.control, lifeWord(shared, e), (epoch << WHY_BITS) | Why.ALIVE);
}

/** Marks epoch `epoch` of endpoint e dead (first marker wins); true if this call did. Wakes the main thread. */
export function markDead(shared: Shared, e: number, epoch: number, why: Why): boolean {
  const alive = epoch << WHY_BITS;
  if (Atomics.compareExchange(shared.control, lifeWord(shared, e), alive, alive | why) !== alive) return false;
  Atomics.add(shared.control, G.DEATHS, 1);
  shared.parker.unpark(0);
  return true;
}

/** Why epoch `epoch` of endpoint e died (Why.ALIVE while it has not, or when e has moved on to another epoch). */
export function deathOf(shared: Shared, e: number, epoch: number): Why {
  const word = Atomics.load(shared.control, lifeWord(shared, e));
  return word >>> WHY_BITS === epoch ? ((word & WHY_MASK) as Why) : Why.ALIVE;
}

/** Deaths marked so far (G.DEATHS). */
export function deathsMarked(shared: Shared): number {
  return Atomics.load(shared.control, G.DEATHS);
}

/** The cause of a death seen in the liveness word, for its WorkerCrashedError (short: the error must fit a slot, whose payload is 208 bytes). */
export function describeDeath(shared: Shared, e: number, why: Why): string {
  switch (why) {
    case Why.EXITED:
      return `called process.exit(${Atomics.load(shared.control, shared.layout.endpointBase(e) + E.EXIT_CODE)})`;
    case Why.CUT_SHORT:
      return 'out of memory or terminated: the engine cut a task short';
    case Why.UNCAUGHT:
      return 'an uncaught exception or unhandled rejection';
    default:
      return 'gone: out of memory, uncaught exception or terminated';
  }
}
