// Is one partition of a history linearizable? Wing & Gong's search with Lowe's and Porcupine's memoisation.
//
// HOW:
//   1. Every operation becomes two events, call and return, in one doubly linked list sorted by
//      time (at equal times calls come first: such operations count as concurrent). A pending
//      operation returns at +Infinity, after everything.
//   2. Walk the list from the head. At a call event, try to linearize that operation now: step the
//      model with it. If the step is legal and the pair (set of linearized operations, new state)
//      was never seen before, remember the pair, push (operation, old state), lift the operation's
//      two events out of the list and start again from the head. Otherwise try the next event.
//   3. At a return event, the operation it closes should have been linearized before this point
//      and was not: undo the last choice (pop, restore the state, put its events back — each
//      lifted node kept its neighbours, so it relinks in O(1), as in dancing links) and try the
//      event after that operation's call.
//   4. The list empty: linearizable. Nothing left to undo at a return: not linearizable.
//   An *optional* operation (the minimiser's weakened ones) may also have had no effect: at its
//   return event, before undoing anything, skip it — mark it done with the state unchanged, lift it
//   and go on. Undoing a skip leaves nothing else to try at that return, so the undo goes on.
// WHY skip at the return and mark it done, rather than make it pending: a skipped operation is
// settled, so paths that applied it and paths that skipped it meet in one cache entry when they
// reach one state; a pending one stays open to the end, and k of them cost 2^k configurations.
// WHY the cache: two paths that linearized the same set of operations and reached the same state
// have the same future; without it the search is exponential in the concurrency far more often.
import { Bitset, hashString } from './bitset.js';
import type { Model, Operation } from './model.js';
import { isPending } from './model.js';
import { valueKey, type IdentityIds } from './value-key.js';

const HEAD = -1;

/** Counts a search's steps (events visited), across the searches it is given to; past `limit` they give up. */
export interface StepCounter {
  steps: number;
  limit: number;
}

/** Whether `ops` are linearizable; `counter` counts the steps it took. */
export function isLinearizable<S>(ops: readonly Operation[], model: Model<S>, counter?: StepCounter): boolean {
  return search(ops, model, undefined, counter) === true;
}

/**
 * Whether `ops` are linearizable when each operation flagged in `optional` may also have had no
 * effect at all; undefined when `counter` reached its limit first.
 */
export function search<S>(ops: readonly Operation[], model: Model<S>, optional?: readonly boolean[], counter?: StepCounter): boolean | undefined {
  const n = ops.length;
  if (n === 0) return true;
  // Nodes 2i (call of op i) and 2i + 1 (its return), in a list sorted by time; index 2n is the head.
  const order: number[] = [];
  for (let i = 0; i < n; i++) order.push(2 * i, 2 * i + 1);
  const time = (node: number): number => {
    const op = ops[node >> 1]!;
    return (node & 1) === 0 ? op.call : isPending(op) ? Infinity : op.return;
  };
  order.sort((a, b) => time(a) - time(b) || (a & 1) - (b & 1) || a - b);
  const head = 2 * n;
  const next = new Int32Array(2 * n + 1).fill(HEAD);
  const prev = new Int32Array(2 * n + 1).fill(HEAD);
  let last = head;
  for (const node of order) {
    next[last] = node;
    prev[node] = last;
    last = node;
  }
  next[last] = HEAD;

  const lift = (i: number): void => {
    for (const node of [2 * i, 2 * i + 1]) {
      next[prev[node]!] = next[node]!;
      if (next[node] !== HEAD) prev[next[node]!] = prev[node]!;
    }
  };
  const unlift = (i: number): void => {
    for (const node of [2 * i + 1, 2 * i]) {
      next[prev[node]!] = node;
      if (next[node] !== HEAD) prev[next[node]!] = node;
    }
  };

  const ids: IdentityIds = new Map(); // one numbering of symbols, functions and classes for this search's keys
  const keyOf = model.key ?? ((state: S) => valueKey(state, ids));
  const linearized = new Bitset(n);
  const cache = new Map<number, Array<{ words: Uint32Array; key: string }>>();
  const seen = (key: string): boolean => {
    const h = linearized.hash(hashString(key));
    const bucket = cache.get(h);
    if (bucket) {
      for (const entry of bucket) if (entry.key === key && linearized.equals(entry.words)) return true;
      bucket.push({ words: linearized.words.slice(), key });
    } else {
      cache.set(h, [{ words: linearized.words.slice(), key }]);
    }
    return false;
  };

  const stackOps: number[] = [];
  const stackStates: S[] = [];
  let state = model.init();
  let entry = next[head]!;
  while (next[head] !== HEAD) {
    if (counter && ++counter.steps > counter.limit) return undefined;
    if (entry === HEAD) return false; // cannot happen: a return event always comes before the end
    if ((entry & 1) === 0) {
      const i = entry >> 1;
      const after = model.step(state, ops[i]!);
      if (after !== undefined) {
        linearized.set(i);
        if (!seen(keyOf(after))) {
          stackOps.push(i);
          stackStates.push(state);
          state = after;
          lift(i);
          entry = next[head]!;
          continue;
        }
        linearized.clear(i);
      }
      entry = next[entry]!;
    } else {
      const i = entry >> 1;
      if (optional?.[i]) {
        linearized.set(i);
        if (!seen(keyOf(state))) {
          stackOps.push(~i); // ~i: a skip
          stackStates.push(state);
          lift(i);
          entry = next[head]!;
          continue;
        }
        linearized.clear(i);
      }
      let undone: number;
      do {
        if (stackOps.length === 0) return false;
        undone = stackOps.pop()!;
        state = stackStates.pop()!;
        const j = undone < 0 ? ~undone : undone;
        linearized.clear(j);
        unlift(j);
      } while (undone < 0);
      entry = next[2 * undone]!;
    }
  }
  return true;
}
