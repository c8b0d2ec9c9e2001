// A fixed-size bitset over Uint32 words: which operations the search has linearized so far.
export class Bitset {
  readonly words: Uint32Array;
  constructor(size: number) {
    this.words = new Uint32Array((size + 31) >>> 5);
  }

  set(i: number): void {
    this.words[i >>> 5]! |= 1 << (i & 31);
  }

  clear(i: number): void {
    this.words[i >>> 5]! &= ~(1 << (i & 31));
  }

  /** FNV-1a over the words, mixed with `extra` (the state's key hash). */
  hash(extra: number): number {
    let h = 0x811c9dc5 ^ extra;
    const words = this.words;
    for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i]!, 0x01000193);
    return h >>> 0;
  }

  equals(words: Uint32Array): boolean {
    const mine = this.words;
    for (let i = 0; i < mine.length; i++) if (mine[i] !== words[i]) return false;
    return true;
  }
}

export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
