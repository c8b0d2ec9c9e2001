// Side results: a result too big for its slot travels by message, and whichever of the slot's ring
// entry and that message arrives second finishes the task.

export interface Outcome {
  ok: boolean;
  value: unknown;
}

/**
 * At most one entry per slot. Invariant: `null` means the ring entry was seen and the message is still
 * due; an Outcome means the message came first and the ring entry is still due. Only the thread that
 * owns these slots touches it (the main thread for its slots, each worker for its own).
 */
export class SideResults {
  private readonly early = new Map<number, Outcome | null>();

  /** Drops what is kept for `slot` (it is being freed). */
  forget(slot: number): void {
    this.early.delete(slot);
  }

  /** Slots waiting for their other half. */
  get size(): number {
    return this.early.size;
  }

  /**
   * A finished slot's ring entry: its outcome, or — when the result travels by message — the message's
   * if it already came, else undefined (finish when it comes).
   */
  ofRingEntry(slot: number, entry: Outcome & { side: boolean }): Outcome | undefined {
    if (entry.side) return this.entrySeen(slot);
    if (this.early.size > 0 && this.early.has(slot)) {
      // Its runner sent the result by message and died before publishing the slot: recovery wrote a
      // WorkerCrashedError there, but the task had finished, and its message says how. Kept, the entry
      // would finish the next task to use this slot with this one's outcome.
      const early = this.early.get(slot);
      this.early.delete(slot);
      if (early) return early;
    }
    return entry;
  }

  /** The ring entry says "by message": the outcome to finish with if the message already came, else undefined. */
  entrySeen(slot: number): Outcome | undefined {
    const early = this.early.get(slot);
    if (early) {
      this.early.delete(slot);
      return early;
    }
    this.early.set(slot, null);
    return undefined;
  }

  /** The message arrived: `outcome` back if the ring entry was already seen (finish now), else undefined (kept). */
  messageCame(slot: number, outcome: Outcome): Outcome | undefined {
    if (this.early.get(slot) === null) {
      this.early.delete(slot);
      return outcome;
    }
    this.early.set(slot, outcome);
    return undefined;
  }

  /** For synchronous waits (join): the message's outcome if it has arrived, taken. */
  takeMessage(slot: number): Outcome | undefined {
    const early = this.early.get(slot);
    if (!early) return undefined;
    this.early.delete(slot);
    return early;
  }

  /** Slots whose ring entry was seen but whose message never came; each is forgotten as it is returned. */
  takeAwaitingMessage(matches: (slot: number) => boolean): number[] {
    const slots: number[] = [];
    for (const [slot, early] of this.early) {
      if (early === null && matches(slot)) slots.push(slot);
    }
    for (const slot of slots) this.early.delete(slot);
    return slots;
  }
}
