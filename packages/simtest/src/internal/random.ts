// A tiny seeded PRNG (mulberry32 over a splitmix-mixed seed) for fault plans: the same seed gives the same plan everywhere.

/** Returns a function giving uniform floats in [0, 1), a fixed sequence for each (seed, stream). */
export function seededRandom(seed: number, stream: number): () => number {
  let s = mix((Math.floor(seed) >>> 0) ^ Math.imul(Math.floor(seed / 0x100000000) >>> 0, 0x9e3779b1) ^ mix(stream));
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 0x100000000;
  };
}

function mix(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
