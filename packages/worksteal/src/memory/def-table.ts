// The registry of TaskDefs by number, in shared memory, so a slot names its task with one Int32.
//
//  defs buffer:  index (Int32 pairs: [byteOffset, byteLength] per def) │ strings (UTF-8 JSON [module, name])
//
//  1. A thread that meets a def it has no number for takes the spin lock (G.DEF_LOCK, CAS 0→1),
//     looks for it again (another thread may have added it), appends the string and its index pair,
//     then stores G.DEF_COUNT + 1 and releases the lock. Entries never change once written.
//  2. A reader that sees number n < G.DEF_COUNT (or finds n in a slot published by a queue) reads
//     entry n: the count store (or the queue's publishing store) happened after the entry was written,
//     and every access is an Atomics operation or ordered after one, so the entry is complete.
// Appends are rare (once per def for the whole pool), so a lock is simpler than anything lock-free.
import { DEF_INDEX_WORDS, DEF_STRING_BYTES, G } from './layout.js';

export class DefTable {
  private readonly index: Int32Array;
  private readonly strings: Uint8Array;
  private readonly byKey = new Map<string, number>();
  private readonly byNumber: Array<[string, string]> = [];
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  constructor(private readonly control: Int32Array, defs: SharedArrayBuffer) {
    this.index = new Int32Array(defs, 0, DEF_INDEX_WORDS);
    this.strings = new Uint8Array(defs, DEF_INDEX_WORDS * 4, DEF_STRING_BYTES);
  }

  /** The number for (module, name), registering it if needed. */
  number(module: string, name: string): number {
    const key = `${module}\n${name}`;
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    this.catchUp();
    const seen = this.byKey.get(key);
    if (seen !== undefined) return seen;
    return this.append(key, module, name);
  }

  /** [module, name] for a def number (read from shared memory the first time). */
  lookup(n: number): [string, string] {
    const found = this.byNumber[n];
    if (found) return found;
    this.catchUp();
    const entry = this.byNumber[n];
    if (!entry) throw new Error(`worksteal: unknown task def number ${n}`);
    return entry;
  }

  private catchUp(): void {
    const count = Atomics.load(this.control, G.DEF_COUNT);
    for (let n = this.byNumber.length; n < count; n++) {
      const offset = Atomics.load(this.index, 2 * n);
      const length = Atomics.load(this.index, 2 * n + 1);
      const [module, name] = JSON.parse(this.decoder.decode(this.strings.slice(offset, offset + length))) as [string, string];
      this.byNumber[n] = [module, name];
      this.byKey.set(`${module}\n${name}`, n);
    }
  }

  private append(key: string, module: string, name: string): number {
    const c = this.control;
    while (Atomics.compareExchange(c, G.DEF_LOCK, 0, 1) !== 0) { /* held for a few microseconds at most */ }
    try {
      this.catchUp();
      const again = this.byKey.get(key);
      if (again !== undefined) return again;
      const n = Atomics.load(c, G.DEF_COUNT);
      const bytes = this.encoder.encode(JSON.stringify([module, name]));
      const offset = Atomics.load(c, G.DEF_BYTES);
      if (2 * (n + 1) > DEF_INDEX_WORDS || offset + bytes.length > DEF_STRING_BYTES) {
        throw new RangeError('worksteal: too many distinct task defs for the shared def table');
      }
      this.strings.set(bytes, offset);
      Atomics.store(this.index, 2 * n, offset);
      Atomics.store(this.index, 2 * n + 1, bytes.length);
      Atomics.store(c, G.DEF_BYTES, offset + bytes.length);
      Atomics.store(c, G.DEF_COUNT, n + 1); // publishes the entry
      this.byNumber[n] = [module, name];
      this.byKey.set(key, n);
      return n;
    } finally {
      Atomics.store(c, G.DEF_LOCK, 0);
    }
  }
}
