// The shared board explore's lanes work from: a seed counter, the failures found so far, and the job.
//
// Layout (one SharedArrayBuffer, Int32 words, then the job as UTF-8 JSON):
//   ┌──────┬────────────┬─────────┬──────────────────────────────┬────────────┐
//   │ NEXT │ FAIL_COUNT │ JOB_LEN │ FAILS[FAIL_CAP] (index + 1)  │ job JSON … │
//   └──────┴────────────┴─────────┴──────────────────────────────┴────────────┘
// Who writes what:
//   NEXT        every lane, Atomics.add: each run index is taken by exactly one lane; end() (a lane
//               failed) moves it past any seed count, so the other lanes stop.
//   FAIL_COUNT  a lane that saw run i fail: Atomics.add reserves a slot in FAILS, then it stores
//               i + 1 there (0 = reserved, not written yet: readers skip it).
//   JOB_LEN, job: the main thread, before any lane exists; read-only afterwards.
// WHY the cutoff is safe: a lane skips run i only when i lies beyond the K-th smallest failing
// index it can see; what it sees is a subset of all failures, so that bound is never below the
// true K-th failure, and every run the final report keeps (index <= the true K-th failure) runs.
const NEXT = 0;
const FAIL_COUNT = 1;
const JOB_LEN = 2;
const FAILS = 3;
const FAIL_CAP = 1024;
const HEADER_BYTES = (FAILS + FAIL_CAP) * 4;

export class LaneBoard {
  readonly words: Int32Array;
  constructor(readonly buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer, 0, FAILS + FAIL_CAP);
  }

  /** Main thread: a board holding `job`. */
  static create(job: unknown): LaneBoard {
    const bytes = new TextEncoder().encode(JSON.stringify(job));
    const buffer = new SharedArrayBuffer(HEADER_BYTES + bytes.length);
    new Uint8Array(buffer, HEADER_BYTES).set(bytes);
    const board = new LaneBoard(buffer);
    board.words[JOB_LEN] = bytes.length;
    return board;
  }

  job<T>(): T {
    const bytes = new Uint8Array(this.buffer, HEADER_BYTES, this.words[JOB_LEN]);
    return JSON.parse(new TextDecoder().decode(bytes.slice())) as T;
  }

  /** The next run index for this lane (may be past the end). */
  take(): number {
    return Atomics.add(this.words, NEXT, 1);
  }

  /** No more runs for any lane (one lane failed): every later take() is past the end. */
  end(): void {
    Atomics.store(this.words, NEXT, 0x3fffffff);
  }

  recordFailure(index: number): void {
    const slot = Atomics.add(this.words, FAIL_COUNT, 1);
    if (slot < FAIL_CAP) Atomics.store(this.words, FAILS + slot, index + 1);
  }

  /** Runs past this index need not run: the K-th smallest failing index seen so far (Infinity while fewer are known). */
  cutoff(k: number): number {
    const count = Math.min(Atomics.load(this.words, FAIL_COUNT), FAIL_CAP);
    if (count < k) return Infinity;
    const seen: number[] = [];
    for (let i = 0; i < count; i++) {
      const v = Atomics.load(this.words, FAILS + i);
      if (v > 0) seen.push(v - 1);
    }
    if (seen.length < k) return Infinity;
    seen.sort((a, b) => a - b);
    return seen[k - 1]!;
  }
}
