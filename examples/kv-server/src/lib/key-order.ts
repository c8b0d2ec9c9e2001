// The order SCAN walks the keyspace in: every key gets a sequence number when it is created.
//
// HOW: `seqs` is ascending and `keys[i]` is the key created with `seqs[i]` (undefined once deleted:
// a hole). A SCAN cursor is the sequence number to resume from, found by binary search; holes are
// squeezed out when they outnumber live keys, which moves indices but never sequence numbers, so a
// cursor stays valid across deletions and compactions.
// WHY this gives Redis's SCAN guarantee — a key present from the first call to the last is returned
// at least once: such a key keeps its sequence number for the whole iteration, and the cursor only
// moves forward past numbers already returned. Keys created during the iteration get larger numbers
// and may or may not be seen, as in Redis. Each call costs O(log n + COUNT), amortised.

export class KeyOrder {
  private seqs: number[] = [];
  private keys: (string | undefined)[] = [];
  private holes = 0;
  private nextSeq = 1;

  /** Records a new key; returns its sequence number. */
  add(key: string): number {
    const seq = this.nextSeq++;
    this.seqs.push(seq);
    this.keys.push(key);
    return seq;
  }

  /** Forgets the key created with `seq`. */
  remove(seq: number): void {
    const i = this.indexOf(seq);
    if (i >= this.seqs.length || this.seqs[i] !== seq || this.keys[i] === undefined) return;
    this.keys[i] = undefined;
    if (++this.holes > 64 && this.holes * 2 > this.seqs.length) this.compact();
  }

  clear(): void {
    this.seqs = [];
    this.keys = [];
    this.holes = 0;
  }

  /**
   * Up to `count` keys from sequence number `cursor` on (holes count towards `count`, as empty
   * buckets do in Redis); returns them and the cursor to continue from, 0 at the end.
   */
  page(cursor: number, count: number): { keys: string[]; next: number } {
    const out: string[] = [];
    let i = this.indexOf(cursor);
    for (let visited = 0; i < this.seqs.length && visited < count; i++, visited++) {
      const key = this.keys[i];
      if (key !== undefined) out.push(key);
    }
    return { keys: out, next: i < this.seqs.length ? this.seqs[i]! : 0 };
  }

  /** The first index whose sequence number is >= seq. */
  private indexOf(seq: number): number {
    let low = 0;
    let high = this.seqs.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.seqs[mid]! < seq) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private compact(): void {
    const seqs: number[] = [];
    const keys: string[] = [];
    for (let i = 0; i < this.keys.length; i++) {
      if (this.keys[i] === undefined) continue;
      seqs.push(this.seqs[i]!);
      keys.push(this.keys[i]!);
    }
    this.seqs = seqs;
    this.keys = keys;
    this.holes = 0;
  }
}
