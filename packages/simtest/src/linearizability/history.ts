// History: records operations as a client sees them (call, then ok, fail or nothing), in the checker's format.
import { youngArray } from '@runtime-traits/kit';
import type { Operation } from './model.js';

/** What a client says once it knows how an operation ended. */
export interface PendingOperation {
  /** It completed with `output`. */
  ok(output: unknown): void;
  /** It certainly did not take effect (refused before it was sent, say): it leaves the history. */
  fail(): void;
  /** Its outcome is unknown (a timeout after sending): it may or may not have taken effect. The default. */
  info(): void;
}

/**
 * `call`/`return` are an event counter: every event gets the next number, so two events at one
 * virtual instant keep the order in which they really happened. `at` keeps the virtual times.
 */
export class History {
  private events = 0;
  private readonly ops = youngArray<Operation | null>();

  constructor(private readonly clock?: { now(): number }) {}

  /**
   * Records the call of `op` with `input` by `client`, now; tell the returned handle how it ended.
   * Until then (or if it is never told) the operation's outcome counts as unknown.
   */
  invoke(client: string, op: string, input: unknown): PendingOperation {
    const entry: Operation = { client, op, input, output: undefined, call: ++this.events, return: Infinity };
    if (this.clock) entry.at = [this.clock.now(), null];
    const index = this.ops.push(entry) - 1;
    let settled = false;
    return {
      ok: (output) => {
        if (settled) return;
        settled = true;
        entry.output = output;
        entry.return = ++this.events;
        if (entry.at) entry.at[1] = this.clock!.now();
      },
      fail: () => {
        if (settled) return;
        settled = true;
        this.ops[index] = null;
      },
      info: () => { settled = true; },
    };
  }

  /** Every operation so far; those still open count as unknown outcome (return Infinity). */
  operations(): Operation[] {
    return this.ops.filter((op): op is Operation => op !== null).map((op) => ({ ...op }));
  }
}
