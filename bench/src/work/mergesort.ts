// The merge sort every fork-join contender runs over a Float64Array (shared memory for the
// parallel ones): sort leaves natively, merge halves through a scratch array of the same size.

/** Ranges of at most this many elements are sorted with TypedArray#sort. */
export const SORT_LEAF = 8192;
/** Ranges above this many elements are split into two parallel halves; below, sequential. */
export const SORT_PAR_CUTOFF = 1 << 17;

/** Sorts data[lo, hi) in place, sequentially. */
export function sortSeq(data: Float64Array, tmp: Float64Array, lo: number, hi: number): void {
  if (hi - lo <= SORT_LEAF) {
    data.subarray(lo, hi).sort();
    return;
  }
  const mid = (lo + hi) >>> 1;
  sortSeq(data, tmp, lo, mid);
  sortSeq(data, tmp, mid, hi);
  merge(data, tmp, lo, mid, hi);
}

/** Merges the sorted runs data[lo, mid) and data[mid, hi) into data[lo, hi), through tmp. */
export function merge(data: Float64Array, tmp: Float64Array, lo: number, mid: number, hi: number): void {
  let i = lo;
  let j = mid;
  let k = lo;
  while (i < mid && j < hi) tmp[k++] = data[i]! <= data[j]! ? data[i++]! : data[j++]!;
  while (i < mid) tmp[k++] = data[i++]!;
  while (j < hi) tmp[k++] = data[j++]!;
  data.set(tmp.subarray(lo, hi), lo);
}

/** n pseudo-random numbers from a fixed seed (xorshift), so every contender sorts the same input. */
export function randomNumbers(n: number, into?: Float64Array): Float64Array {
  const out = into ?? new Float64Array(n);
  let x = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out[i] = (x >>> 0) / 4294967296;
  }
  return out;
}

export function isSorted(data: Float64Array): boolean {
  for (let i = 1; i < data.length; i++) if (data[i - 1]! > data[i]!) return false;
  return true;
}
