// The ordered event log of a simulation, and a running hash of it, so two runs can be compared byte for byte.
import { youngArray } from '@runtime-traits/kit';

/** One event: virtual time, then a short space-separated description. */
export type TraceEvent = string;

/**
 * Every event is one line `"<time> <what>"`. The hash (two 32-bit FNV-1a lanes with different
 * offsets, printed as 16 hex digits) is updated as lines arrive, so `traceHash()` costs nothing
 * even when the log itself is not kept.
 */
export class Trace {
  // Invariant: h1/h2 cover exactly the lines recorded so far, in order.
  private h1 = 0x811c9dc5;
  private h2 = 0x01000193 ^ 0x5bd1e995;
  private readonly lines: TraceEvent[] | null;
  count = 0;

  constructor(keep: boolean) {
    this.lines = keep ? youngArray() : null;
  }

  record(time: number, what: string): void {
    const line = `${time} ${what}`;
    this.count++;
    this.lines?.push(line);
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
    // A line separator, so "ab"+"c" and "a"+"bc" differ.
    this.h1 = Math.imul(h1 ^ 10, 0x01000193);
    this.h2 = Math.imul(h2 ^ 10, 0x5bd1e995);
  }

  /** The log (empty when the log is not kept). A copy. */
  events(): TraceEvent[] {
    return this.lines ? this.lines.slice() : [];
  }

  hash(): string {
    return (this.h1 >>> 0).toString(16).padStart(8, '0') + (this.h2 >>> 0).toString(16).padStart(8, '0');
  }
}
