// A small seeded PRNG (sfc32 seeded through splitmix32): every random choice of the runtime comes from here.
//
// WHY our own: Math.random cannot be seeded, and a replay needs the very same sequence on every
// engine. sfc32 passes PractRand to large sizes, needs only 32-bit integer ops (fast in every JS
// engine) and keeps four words of state. splitmix32 spreads any seed (also 0, also a string's hash)
// over those four words so nearby seeds give unrelated sequences.

/** Turns a number or string seed into a 32-bit unsigned integer; `arg` names it in errors. */
export function normalizeSeed(seed: number | string, arg = 'seed'): number {
  if (typeof seed === 'number') {
    // (a fraction would fold into the same 32 bits as its whole part: seed 1.5 ran as seed 1)
    if (!Number.isInteger(seed)) throw new RangeError(`${arg} must be an integer or a string, got ${seed}`);
    // Keep 53 bits of information: fold the high part into the low word.
    const high = Math.floor(seed / 0x100000000);
    return ((seed >>> 0) ^ Math.imul(high >>> 0, 0x9e3779b1)) >>> 0;
  }
  if (typeof seed !== 'string') throw new TypeError(`${arg} must be a number or a string, got ${typeof seed}`);
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class Rng {
  // Invariant: a, b, c, d are 32-bit integers; only next() changes them.
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string) {
    let s = normalizeSeed(seed);
    const split = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.nextU32() / 0x100000000;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A uniform number in [min, max]: an integer when both bounds are integers. */
  between(min: number, max: number): number {
    if (max <= min) return min;
    if (Number.isInteger(min) && Number.isInteger(max)) return min + this.int(max - min + 1);
    return min + this.next() * (max - min);
  }

  /** Fisher–Yates, in place. */
  shuffle<T>(items: T[]): void {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const x = items[i]!;
      items[i] = items[j]!;
      items[j] = x;
    }
  }
}
